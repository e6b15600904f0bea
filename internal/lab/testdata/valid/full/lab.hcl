lab "full" {
  title       = "Every feature of the lab language"
  description = upper("test fixture")
}

variable "web_count" {
  type    = number
  default = 3
}

variable "sites" {
  type    = map(string)
  default = { alpha = "10.20.1.0/24", beta = "10.20.2.0/24" }
}

variable "packages" {
  type    = list(string)
  default = ["nginx", "curl"]
}

variable "greeting" {
  type        = string
  default     = "hi"
  description = "Overridden in tests."
}

locals {
  base   = "10.20.0.0/16"
  lan    = cidrsubnet(local.base, 8, 0)
  router = cidrhost(local.lan, 1)
}

locals {
  mask    = cidrnetmask(local.lan)
  last    = cidrhost(local.lan, -2)
  hello   = trimspace(file("files/hello.txt"))
  missing = fileexists("files/nope.txt")
  safe    = try(file("files/nope.txt"), "fallback")
  json    = jsonencode({ a = 1 })
  names   = formatlist("web-%d", range(1, var.web_count + 1))
}

defaults {
  image  = "labdojo/node:test"
  cpus   = 0.5
  memory = "256m"
  env    = { LAB = "full", GREETING = var.greeting }
  exec   = ["echo defaults"]
  file "/etc/motd" { content = "default motd" }
  file "/etc/issue" { content = "default issue" }
}

network "lan" {
  title  = "LAN"
  subnet = local.lan
}

network "alpha" { subnet = var.sites.alpha }
network "beta" { subnet = var.sites["beta"] }

node "router" {
  title  = "Router ${local.mask}"
  memory = 1073741824
  exec   = ["sysctl -w net.ipv4.ip_forward=0"]
  env    = { GREETING = "router" }

  interface "lan" { address = "${local.router}/24" }
  interface "alpha" { address = cidrhost(var.sites.alpha, 1) }
  interface "beta" { address = "${cidrhost(var.sites.beta, 1)}/24" }

  route {
    destination = "10.99.0.0/16"
    dev         = "eth2"
  }
  file "/etc/motd" {
    content = "router motd"
    mode    = "0600"
    owner   = "root:root"
  }
}

node "web" {
  count = var.web_count
  cpus  = 1

  interface "lan" {
    address = "${cidrhost(local.lan, 10 + count.index)}/24"
    gateway = local.router
  }
  file "/etc/hosts.lab" {
    content = templatefile("files/hosts.tpl", { hosts = { router = local.router } })
  }
  file "/srv/hello.txt" {
    source = "files/hello.txt"
    mode   = "4755"
  }
}

node "site" {
  for_each = { alpha = 50, beta = 60 }

  interface "lan" {
    address = "${cidrhost(local.lan, each.value)}/24"
  }
  route {
    destination = "default"
    via         = local.router
  }
}

node "pkg" {
  for_each = toset(var.packages)
  title    = "has ${each.value}"
}

node "empty" {
  count = 0
}
