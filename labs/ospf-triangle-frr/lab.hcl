# The FRR twin of ospf-triangle: the same triangle of /30 links with an
# office LAN behind r1 and a data-centre LAN behind r3, on subnets of its
# own (10.81.x) so that both labs run side by side. The routers run FRR
# (an image variant) with Debian's defaults: zebra and staticd on, ospfd
# off (/etc/frr/daemons), configured through vtysh.
#
# FRR's zebra refuses to start without CAP_SYS_ADMIN, so the routers ask
# for it: `dojo up` needs --allow-capabilities, and refuses SYS_ADMIN on an
# engine that does not confine it (no user-namespace remapping, rootless
# mode, AppArmor or SELinux), where a container holding it could escape to
# the host (the cgroup v1 release_agent). ospfd also needs
# NET_BIND_SERVICE, which is in Docker's default set.

lab "ospf-triangle-frr" {
  title       = "Three FRR routers (vtysh) in a triangle, a LAN behind r1 and r3"
  description = <<-EOT
    r1, r2 and r3 are joined pairwise by /30 links: r1-r2 10.81.12.0/30
    (r1 eth2 .1, r2 eth1 .2), r2-r3 10.81.23.0/30 (r2 eth2 .1, r3 eth2 .2)
    and r1-r3 10.81.13.0/30 (r1 eth3 .1, r3 eth3 .2). The office LAN
    10.81.1.0/24 (pc 10.81.1.10) sits behind r1 (eth1 .1), the data-centre
    LAN 10.81.3.0/24 (srv 10.81.3.10) behind r3 (eth1 .1). Each router
    runs FRR with Debian's defaults (zebra and staticd, no ospfd) and has
    no route to the LANs it is not on. The routers need CAP_SYS_ADMIN:
    --allow-capabilities, on an engine that confines it (userns-remap,
    rootless, AppArmor or SELinux).
  EOT
}


network "office" {
  title  = "Office LAN"
  subnet = "10.81.1.0/24"
}
network "dc" {
  title  = "Data-centre LAN"
  subnet = "10.81.3.0/24"
}
network "r1r2" {
  title  = "Link r1-r2"
  subnet = "10.81.12.0/30"
}
network "r2r3" {
  title  = "Link r2-r3"
  subnet = "10.81.23.0/30"
}
network "r1r3" {
  title  = "Link r1-r3"
  subnet = "10.81.13.0/30"
}

node "r1" {
  title        = "Office router"
  packages     = ["frr"]
  services     = ["frr"]
  capabilities = ["SYS_ADMIN"]
  interface "office" {
    address = "10.81.1.1/24"
  }
  interface "r1r2" {
    address = "10.81.12.1/30"
  }
  interface "r1r3" {
    address = "10.81.13.1/30"
  }
}

node "r2" {
  title        = "Transit router"
  packages     = ["frr"]
  services     = ["frr"]
  capabilities = ["SYS_ADMIN"]
  interface "r1r2" {
    address = "10.81.12.2/30"
  }
  interface "r2r3" {
    address = "10.81.23.1/30"
  }
}

node "r3" {
  title        = "Data-centre router"
  packages     = ["frr"]
  services     = ["frr"]
  capabilities = ["SYS_ADMIN"]
  interface "dc" {
    address = "10.81.3.1/24"
  }
  interface "r2r3" {
    address = "10.81.23.2/30"
  }
  interface "r1r3" {
    address = "10.81.13.2/30"
  }
}

node "pc" {
  title = "Office PC"
  interface "office" {
    address = "10.81.1.10/24"
    gateway = "10.81.1.1"
  }
}

node "srv" {
  title = "Data-centre web server"
  interface "dc" {
    address = "10.81.3.10/24"
    gateway = "10.81.3.1"
  }
}
