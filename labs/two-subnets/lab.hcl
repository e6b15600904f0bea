# Two subnets joined by a Linux router: the first static-routing exercise of
# the network track.

lab "two-subnets" {
  title       = "Office LAN and server LAN joined by a Linux router"
  description = <<-EOT
    The office network (10.10.1.0/24) holds a client, the servers network
    (10.10.2.0/24) holds a web server, and a Linux router sits on both.
    Every host already has its addresses and a route to the other subnet
    through the router, but the router does NOT forward packets yet:
    finding and enabling IPv4 forwarding is your job. When it works, the
    client can load http://10.10.2.10/ from the web server.
  EOT
}

locals {
  office  = "10.10.1.0/24"
  servers = "10.10.2.0/24"

  # The router takes the first address of each subnet.
  router_office  = cidrhost(local.office, 1)
  router_servers = cidrhost(local.servers, 1)
}

network "office" {
  title  = "Office LAN"
  subnet = local.office
}

network "servers" {
  title  = "Server LAN"
  subnet = local.servers
}

node "router" {
  title = "Linux router between the office and the servers"

  interface "office" {
    address = "${local.router_office}/24"
  }
  interface "servers" {
    address = "${local.router_servers}/24"
  }
}

node "client" {
  title = "Office workstation"

  interface "office" {
    address = "${cidrhost(local.office, 10)}/24"
  }
  route {
    destination = local.servers
    via         = local.router_office
  }
}

node "web" {
  title = "Web server"

  interface "servers" {
    address = "${cidrhost(local.servers, 10)}/24"
  }
  route {
    destination = local.office
    via         = local.router_servers
  }
  file "/var/www/html/index.html" {
    content = templatefile("files/index.html.tpl", { network = local.servers })
    mode    = "0644"
  }
}
