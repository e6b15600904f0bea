lab "bad-cidr" {}
network "lan" {
  subnet = "10.0.0.0/33"
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:12 Invalid subnet
