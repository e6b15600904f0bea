# An office LAN and a server LAN behind a Linux gateway that already routes
# between them: the place for a firewall (ACL) exercise.

lab "gateway-fw" {
  title       = "Office and server LANs behind a Linux gateway"
  description = <<-EOT
    The gateway "gw" routes between the office LAN 10.40.1.0/24 (client
    10.40.1.10, admin workstation 10.40.1.20) and the server LAN
    10.40.2.0/24 (web 10.40.2.10). Every host has a default route through
    gw. Nothing is filtered yet.
  EOT
}

locals {
  office  = "10.40.1.0/24"
  servers = "10.40.2.0/24"
}

network "office" {
  title  = "Office LAN"
  subnet = local.office
}

network "servers" {
  title  = "Server LAN"
  subnet = local.servers
}

node "gw" {
  title = "Linux gateway (router and firewall)"
  interface "office" {
    address = "${cidrhost(local.office, 1)}/24"
  }
  interface "servers" {
    address = "${cidrhost(local.servers, 1)}/24"
  }
}

node "client" {
  title = "Office PC"
  interface "office" {
    address = "${cidrhost(local.office, 10)}/24"
    gateway = cidrhost(local.office, 1)
  }
}

node "admin" {
  title = "Administrator's workstation"
  interface "office" {
    address = "${cidrhost(local.office, 20)}/24"
    gateway = cidrhost(local.office, 1)
  }
}

node "web" {
  title = "Web server"
  interface "servers" {
    address = "${cidrhost(local.servers, 10)}/24"
    gateway = cidrhost(local.servers, 1)
  }
}
