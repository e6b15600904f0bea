lab "undeclared-net" {}
network "office" { subnet = "10.0.0.0/24" }
node "client" {
  interface "ofice" {}
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 4:13 Reference to undeclared network
