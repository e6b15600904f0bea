# A branch office joined to headquarters by two WAN links: a primary line
# and a backup line. Used for static routing with a floating backup route.

lab "dual-wan" {
  title       = "Branch and headquarters joined by a primary and a backup link"
  description = <<-EOT
    The branch LAN 10.70.1.0/24 (pc 10.70.1.10) sits behind the branch
    router "br"; the headquarters LAN 10.70.2.0/24 (srv 10.70.2.10) behind
    "hq". br and hq are joined twice: the primary line 10.70.100.0/30
    (br eth2 .1, hq eth2 .2) and the backup line 10.70.200.0/30 (br eth3
    .1, hq eth3 .2). Both routers forward IPv4; neither has routes to the
    other side's LAN.
  EOT
}

network "branch" {
  subnet = "10.70.1.0/24"
}
network "hqlan" {
  subnet = "10.70.2.0/24"
}
network "primary" {
  title  = "Primary WAN line"
  subnet = "10.70.100.0/30"
}
network "backup" {
  title  = "Backup WAN line"
  subnet = "10.70.200.0/30"
}

node "br" {
  title = "Branch router"
  interface "branch" {
    address = "10.70.1.1/24"
  }
  interface "primary" {
    address = "10.70.100.1/30"
  }
  interface "backup" {
    address = "10.70.200.1/30"
  }
}

node "hq" {
  title = "Headquarters router"
  interface "hqlan" {
    address = "10.70.2.1/24"
  }
  interface "primary" {
    address = "10.70.100.2/30"
  }
  interface "backup" {
    address = "10.70.200.2/30"
  }
}

node "pc" {
  title = "Branch PC"
  interface "branch" {
    address = "10.70.1.10/24"
    gateway = "10.70.1.1"
  }
}

node "srv" {
  title = "Headquarters file and web server"
  interface "hqlan" {
    address = "10.70.2.10/24"
    gateway = "10.70.2.1"
  }
}
