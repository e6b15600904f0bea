# One LAN with a name server to build: the internal DNS exercise. "ns"
# runs an image variant with BIND 9; the other nodes use the default
# image (dig and getent are there). No internet.

lab "dns-lan" {
  title       = "A LAN waiting for its internal DNS"
  description = <<-EOT
    The LAN 10.30.0.0/24 holds the name server "ns" (10.30.0.53, BIND 9
    installed and running with Debian's default configuration), the web
    server "web" (10.30.0.80) and a workstation "client" (10.30.0.100).
    No DNS server is configured anywhere yet; there is no internet.
  EOT
}

network "lan" {
  title  = "Office LAN"
  subnet = "10.30.0.0/24"
}

node "ns" {
  title    = "Name server (BIND 9)"
  packages = ["bind9", "bind9-dnsutils"]
  services = ["named"]
  interface "lan" {
    address = "10.30.0.53/24"
  }
}

node "web" {
  title = "Intranet web server"
  interface "lan" {
    address = "10.30.0.80/24"
  }
}

node "client" {
  title = "Workstation"
  interface "lan" {
    address = "10.30.0.100/24"
  }
}
