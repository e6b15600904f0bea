lab "missing-var" {}
variable "size" {
  type = number
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 2:1 No value for required variable
