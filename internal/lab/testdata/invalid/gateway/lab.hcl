lab "gateway" {}
network "lan" { subnet = "10.0.0.0/24" }
node "client" {
  interface "lan" {
    address = "10.0.0.10/24"
    gateway = "10.0.1.1"
  }
  route {
    destination = "10.9.0.0/16"
    via         = "192.168.1.1"
  }
  route {
    destination = "10.8.0.1/16"
    dev         = "eth2"
  }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 6:15 Gateway not on this network
# error: 10:19 Route gateway not on a connected network
# error: 13:19 Route destination has host bits set
# error: 14:19 Invalid route device
