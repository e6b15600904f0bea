# A single Debian server on one network: the starting point for the
# server track (users, sudo, SSH hardening, packages, a web server, cron).

lab "single-server" {
  title       = "One Linux server to build from scratch"
  description = <<-EOT
    A single Debian server named "server" on the network "lan" (10.0.0.0/24),
    with the address 10.0.0.10. Nothing else is configured: create users,
    harden SSH, install and configure packages, schedule jobs and read logs
    as you would on a freshly delivered machine.
  EOT
}

variable "memory" {
  type        = string
  default     = "512m"
  description = "Memory limit of the server, e.g. 512m or 1g."
}

network "lan" {
  title  = "Server LAN"
  subnet = "10.0.0.0/24"
}

node "server" {
  title  = "Debian server to build"
  memory = var.memory

  interface "lan" {
    address = "${cidrhost("10.0.0.0/24", 10)}/24"
  }

  file "/etc/motd" {
    content = file("files/motd")
  }
}
