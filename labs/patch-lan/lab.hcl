# Patching: an internal package repository (a company's apt mirror) and two
# application servers with no route to the internet.

lab "patch-lan" {
  title       = "An internal package repository and two app servers"
  description = <<-EOT
    The server LAN 10.65.0.0/24 holds "repo" (10.65.0.10), the internal
    package repository (nginx serves /var/www/html), and two application
    servers, "app-1" (10.65.0.21) and "app-2" (10.65.0.22). The LAN has
    no route to the internet: the servers get packages from repo only.
  EOT
}

network "lan" {
  title  = "Server LAN"
  subnet = "10.65.0.0/24"
}

node "repo" {
  title    = "Internal package repository"
  services = ["nginx"]
  interface "lan" {
    address = "10.65.0.10/24"
  }
}

node "app" {
  count = 2
  title = "Application server ${count.index + 1}"
  interface "lan" {
    address = "10.65.0.${21 + count.index}/24"
  }
}
