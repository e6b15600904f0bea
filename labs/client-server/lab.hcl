# A workstation and a server on one LAN: server-track exercises that are
# graded from the client's side (a web site, TLS, SSH access).

lab "client-server" {
  title       = "A client and a server on one LAN"
  description = <<-EOT
    The LAN 10.20.0.0/24 holds a workstation "client" (10.20.0.10) and a
    Debian server "server" (10.20.0.20). Build services on the server and
    test them from the client, as users will.
  EOT
}

network "lan" {
  title  = "Office LAN"
  subnet = "10.20.0.0/24"
}

node "client" {
  title = "Workstation"
  interface "lan" {
    address = "10.20.0.10/24"
  }
}

node "server" {
  title = "Debian server"
  interface "lan" {
    address = "10.20.0.20/24"
  }
}
