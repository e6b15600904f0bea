# Three routers in a triangle of point-to-point links, with an office LAN
# behind r1 and a data-centre LAN behind r3. The routers run BIRD 2 (an
# image variant): OSPF with NET_ADMIN and NET_RAW only, which every node
# has, so this lab runs on any engine. FRR's zebra needs CAP_SYS_ADMIN:
# ospf-triangle-frr is the FRR twin, for engines that confine it.
# BIRD runs as root: Debian starts it as user "bird", and dropping to that
# user needs CAP_NET_BIND_SERVICE and CAP_NET_BROADCAST kept across the
# switch (capset), which nodes do not have ("bird: capset: Operation not
# permitted").

lab "ospf-triangle" {
  title       = "Three BIRD routers in a triangle, a LAN behind r1 and r3"
  description = <<-EOT
    r1, r2 and r3 are joined pairwise by /30 links: r1-r2 10.80.12.0/30
    (r1 eth2 .1, r2 eth1 .2), r2-r3 10.80.23.0/30 (r2 eth2 .1, r3 eth2 .2)
    and r1-r3 10.80.13.0/30 (r1 eth3 .1, r3 eth3 .2). The office LAN
    10.80.1.0/24 (pc 10.80.1.10) sits behind r1 (eth1 .1), the data-centre
    LAN 10.80.3.0/24 (srv 10.80.3.10) behind r3 (eth1 .1). Each router
    has BIRD 2 installed and running with Debian's default configuration
    (no routing protocol), and no route to the LANs it is not on.
  EOT
}

locals {
  # /etc/init.d/bird reads the user to run as from here.
  bird_envvars = "BIRD_RUN_USER=root\nBIRD_RUN_GROUP=root\n#BIRD_ARGS=\n"
}

network "office" {
  title  = "Office LAN"
  subnet = "10.80.1.0/24"
}
network "dc" {
  title  = "Data-centre LAN"
  subnet = "10.80.3.0/24"
}
network "r1r2" {
  title  = "Link r1-r2"
  subnet = "10.80.12.0/30"
}
network "r2r3" {
  title  = "Link r2-r3"
  subnet = "10.80.23.0/30"
}
network "r1r3" {
  title  = "Link r1-r3"
  subnet = "10.80.13.0/30"
}

node "r1" {
  title    = "Office router"
  packages = ["bird2"]
  services = ["bird"]
  file "/etc/bird/envvars" {
    content = local.bird_envvars
  }
  interface "office" {
    address = "10.80.1.1/24"
  }
  interface "r1r2" {
    address = "10.80.12.1/30"
  }
  interface "r1r3" {
    address = "10.80.13.1/30"
  }
}

node "r2" {
  title    = "Transit router"
  packages = ["bird2"]
  services = ["bird"]
  file "/etc/bird/envvars" {
    content = local.bird_envvars
  }
  interface "r1r2" {
    address = "10.80.12.2/30"
  }
  interface "r2r3" {
    address = "10.80.23.1/30"
  }
}

node "r3" {
  title    = "Data-centre router"
  packages = ["bird2"]
  services = ["bird"]
  file "/etc/bird/envvars" {
    content = local.bird_envvars
  }
  interface "dc" {
    address = "10.80.3.1/24"
  }
  interface "r2r3" {
    address = "10.80.23.2/30"
  }
  interface "r1r3" {
    address = "10.80.13.2/30"
  }
}

node "pc" {
  title = "Office PC"
  interface "office" {
    address = "10.80.1.10/24"
    gateway = "10.80.1.1"
  }
}

node "srv" {
  title = "Data-centre web server"
  interface "dc" {
    address = "10.80.3.10/24"
    gateway = "10.80.3.1"
  }
}
