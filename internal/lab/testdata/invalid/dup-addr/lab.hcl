lab "dup-addr" {}
network "lan" { subnet = "10.0.0.0/24" }
node "aa" {
  interface "lan" { address = "10.0.0.5/24" }
}
node "bb" {
  interface "lan" {
    address = "10.0.0.5/24"
  }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 8:15 Duplicate address
