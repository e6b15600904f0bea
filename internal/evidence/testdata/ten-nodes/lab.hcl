# A ten-node lab for the report benchmark: two LANs and a DMZ joined by a
# router and a firewall.
lab "ten-nodes" {
  title = "Office, servers and DMZ"
}

network "office" { subnet = "10.10.1.0/24" }
network "servers" { subnet = "10.10.2.0/24" }
network "dmz" { subnet = "10.10.3.0/24" }

node "router" {
  interface "office" { address = "10.10.1.1/24" }
  interface "servers" { address = "10.10.2.1/24" }
}

node "fw" {
  interface "servers" { address = "10.10.2.254/24" }
  interface "dmz" { address = "10.10.3.1/24" }
}

node "pc" {
  count = 4
  interface "office" { address = "10.10.1.${10 + count.index}/24" }
  route {
    destination = "10.10.2.0/24"
    via         = "10.10.1.1"
  }
}

node "srv" {
  count = 3
  interface "servers" { address = "10.10.2.${10 + count.index}/24" }
}

node "web" {
  interface "dmz" { address = "10.10.3.10/24" }
}
