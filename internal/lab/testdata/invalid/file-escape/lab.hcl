lab "file-escape" {}
locals {
  a = file("../secret")
  b = file("/etc/passwd")
}
node "aa" {
  file "/etc/x" { source = "../../x" }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:13 Invalid function argument
# error: 4:13 Invalid function argument
# error: 7:28 Cannot read source file
