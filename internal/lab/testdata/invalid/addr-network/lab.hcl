lab "addr-network" {}
network "lan" { subnet = "10.0.0.0/24" }
node "aa" {
  interface "lan" { address = "10.0.0.0/24" }
}
node "bb" {
  interface "lan" { address = "10.0.0.255/24" }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 4:31 Address is the network address
# error: 7:31 Address is the broadcast address
