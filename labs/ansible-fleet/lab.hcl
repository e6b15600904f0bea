# A control node with Ansible and three web servers on one LAN: the
# automation track's lab.

lab "ansible-fleet" {
  title       = "An Ansible control node and three web servers"
  description = <<-EOT
    "control" (10.70.0.5) has ansible-core installed. The web servers
    web-1, web-2 and web-3 (10.70.0.11-13) are plain Debian nodes with
    python3 (what Ansible needs on a managed node) and nginx-light
    installed but not started. All four are on the LAN 10.70.0.0/24 and
    reach each other by name.
  EOT
}

locals {
  lan = "10.70.0.0/24"
}

network "lan" {
  title  = "Server LAN"
  subnet = local.lan
}

node "control" {
  title    = "Ansible control node"
  packages = ["ansible-core"]
  # ansible-playbook forks one Python process per host.
  memory = "512m"

  interface "lan" {
    address = "${cidrhost(local.lan, 5)}/24"
  }
  file "/etc/profile.d/locale.sh" {
    content = file("files/locale.sh")
  }
}

node "web" {
  count = 3
  title = "Web server ${count.index + 1}"

  interface "lan" {
    address = "${cidrhost(local.lan, 11 + count.index)}/24"
  }
}
