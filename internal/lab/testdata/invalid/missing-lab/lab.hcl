network "lan" { subnet = "10.0.0.0/24" }

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 1:1 Missing lab block
