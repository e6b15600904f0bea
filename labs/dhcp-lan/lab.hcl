# A LAN whose clients have no addresses yet: the gateway is to hand them
# out with DHCP.

lab "dhcp-lan" {
  title       = "A LAN waiting for a DHCP server"
  description = <<-EOT
    The gateway "gw" (10.50.0.1/24) sits on the LAN 10.50.0.0/24. The PC
    "pc" and the label printer "printer" are plugged in but have no
    address: their eth1 is up and empty.
  EOT
}

network "lan" {
  title  = "Office LAN"
  subnet = "10.50.0.0/24"
}

node "gw" {
  title = "Gateway and DHCP server"
  interface "lan" {
    address = "10.50.0.1/24"
  }
}

node "pc" {
  title = "Office PC (DHCP client)"
  interface "lan" {}
}

node "printer" {
  title = "Label printer (DHCP client with a reserved address)"
  interface "lan" {}
}
