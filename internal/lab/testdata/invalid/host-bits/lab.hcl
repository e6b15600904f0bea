lab "host-bits" {}
network "lan" {
  subnet = "10.0.0.5/24"
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:12 Subnet has host bits set
