lab "same-net-twice" {}
network "lan" { subnet = "10.0.0.0/24" }
node "client" {
  interface "lan" {}
  interface "lan" {}
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 5:13 Duplicate interface
