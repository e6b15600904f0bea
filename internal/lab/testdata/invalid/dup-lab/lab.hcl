lab "dup-lab" {}
lab "other" {}
lab "x" {}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 2:1 Duplicate lab block
# error: 3:1 Duplicate lab block
