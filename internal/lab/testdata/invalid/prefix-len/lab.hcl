lab "prefix-len" {}
network "lan" { subnet = "10.0.0.0/24" }
node "client" {
  interface "lan" { address = "10.0.0.10/16" }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 4:31 Prefix length differs from the network
