# A small office before its network is designed: the hosts are cabled to
# their segments, nothing has an address. Only the provider's side (wan)
# is given. Used by the design track.

lab "small-office" {
  title       = "A small office waiting for its network design"
  description = <<-EOT
    The router "rt" has one interface on each office segment (staff,
    guest, servers) and one on the provider's line (wan, 203.0.113.1/30,
    default route via the provider's "isp" 203.0.113.2). pc-1 and pc-2
    sit on staff, guest-1 on guest, srv on servers: none of them has an
    address. The networks' subnets below are the IPAM blocks reserved
    for each segment; choosing the subnets inside them is the exercise.
  EOT
}

network "staff" {
  title  = "Staff segment (IPAM block)"
  subnet = "172.16.0.0/24"
}
network "guest" {
  title  = "Guest Wi-Fi segment (IPAM block)"
  subnet = "172.16.1.0/24"
}
network "servers" {
  title  = "Server segment (IPAM block)"
  subnet = "172.16.2.0/24"
}
network "wan" {
  title  = "Provider line"
  subnet = "203.0.113.0/30"
}

node "rt" {
  title = "Office router"
  interface "staff" {}
  interface "guest" {}
  interface "servers" {}
  interface "wan" {
    address = "203.0.113.1/30"
    gateway = "203.0.113.2"
  }
}

node "pc" {
  count = 2
  title = "Staff PC ${count.index + 1}"
  interface "staff" {}
}

node "guest-1" {
  title = "A guest's laptop"
  interface "guest" {}
}

node "srv" {
  title = "Office file and intranet server"
  interface "servers" {}
}

node "isp" {
  title = "The provider's router (stands for the Internet)"
  interface "wan" {
    address = "203.0.113.2/30"
  }
}
