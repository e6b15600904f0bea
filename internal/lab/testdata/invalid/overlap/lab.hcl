lab "overlap" {}
network "a" { subnet = "10.0.0.0/16" }
network "b" { subnet = "10.0.5.0/24" }

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:24 Overlapping subnets
