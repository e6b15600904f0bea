# A classic three-tier web system: a load balancer in front of two web
# servers that share one database. Used by the server, network and
# operations tracks.

lab "web-tier" {
  title       = "Load balancer, two web servers and a database"
  description = <<-EOT
    A client on the edge network (10.30.0.0/24) reaches the load balancer
    "lb", which also sits on the web network (10.30.1.0/24) with the web
    servers web-1 and web-2. The web servers reach the database "db" on
    the data network (10.30.2.0/24). Addresses and routes are in place;
    the services (load balancer, web server, database) are for you to
    install and connect.
  EOT
}

variable "web_count" {
  type        = number
  default     = 2
  description = "How many web servers sit behind the load balancer."
}

locals {
  subnets = {
    edge = "10.30.0.0/24"
    web  = "10.30.1.0/24"
    data = "10.30.2.0/24"
  }
  lb_edge = cidrhost(local.subnets.edge, 2)
  lb_web  = cidrhost(local.subnets.web, 2)
  db      = cidrhost(local.subnets.data, 5)
}

defaults {
  memory = "256m"
  env = {
    LAB = "web-tier"
  }
  file "/etc/motd" {
    content = file("files/motd")
  }
}

network "edge" {
  title  = "Edge network (where users come from)"
  subnet = local.subnets.edge
}

network "web" {
  title  = "Web network (load balancer to web servers)"
  subnet = local.subnets.web
}

network "data" {
  title  = "Data network (web servers to database)"
  subnet = local.subnets.data
}

node "client" {
  title = "User workstation on the edge network"

  interface "edge" {
    address = "${cidrhost(local.subnets.edge, 10)}/24"
  }
}

node "lb" {
  title = "Load balancer"

  interface "edge" {
    address = "${local.lb_edge}/24"
  }
  interface "web" {
    address = "${local.lb_web}/24"
  }
}

node "web" {
  count = var.web_count
  title = "Web server ${count.index + 1}"

  interface "web" {
    address = "${cidrhost(local.subnets.web, 10 + count.index)}/24"
  }
  interface "data" {
    address = "${cidrhost(local.subnets.data, 10 + count.index)}/24"
  }
  # Replies to users go back through the load balancer.
  route {
    destination = local.subnets.edge
    via         = local.lb_web
  }
  file "/var/www/html/index.html" {
    content = templatefile("files/index.html.tpl", { n = count.index + 1, db = local.db })
  }
  file "/etc/app/db.env" {
    content = "DB_HOST=${local.db}\nDB_PORT=5432\n"
    mode    = "0640"
    owner   = "root:www-data"
  }
}

node "db" {
  title = "Database server"

  interface "data" {
    address = "${local.db}/24"
  }
}
