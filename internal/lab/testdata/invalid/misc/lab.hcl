lab "misc" {}
variable "n" {
  type    = number
  default = "three"
}
node "a-very-long-node-name-that-goes-on-and-on-and-on-beyond-the-limit" {}
node "envs" {
  env = { "1BAD" = "x" }
  file "/etc/x" {
    content = "x"
    owner   = "Root User"
  }
  file "/etc/y" {
    content = var.nope
  }
  file "/etc/z" {
    content = templatefile("files/missing.tpl", {})
  }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 4:13 Invalid value for variable
# error: 6:6 Invalid node name
# error: 8:9 Invalid environment variable name
# error: 11:15 Invalid file owner
# error: 14:18 Reference to undeclared variable
# error: 17:29 Invalid function argument
