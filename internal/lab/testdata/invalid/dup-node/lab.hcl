lab "dup-node" {}
node "web-1" {}
node "web" {
  count = 2
}
network "lan" { subnet = "10.0.0.0/24" }
network "lan" { subnet = "10.0.1.0/24" }

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:6 Duplicate node name
# error: 7:9 Duplicate network
