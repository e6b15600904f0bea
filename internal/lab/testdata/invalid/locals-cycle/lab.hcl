lab "locals-cycle" {}
locals {
  a = local.b
  b = local.a
  c = local.nope
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:3 Cycle in local values
# error: 5:7 Reference to undeclared local value
