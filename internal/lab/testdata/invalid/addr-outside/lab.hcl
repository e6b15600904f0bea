lab "addr-outside" {}
network "lan" { subnet = "10.0.0.0/24" }
node "server" {
  interface "lan" { address = "10.0.1.5/24" }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 4:31 Address outside its network
