lab "files" {}
node "server" {
  file "etc/motd" { content = "x" }
  file "/etc/a" {
    content = "x"
    mode    = 644
  }
  file "/etc/b" {
    content = "x"
    mode    = "0999"
  }
  file "/etc/c" {}
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 3:8 Invalid file path
# error: 6:15 Invalid file mode
# error: 10:15 Invalid file mode
# error: 12:3 Missing file content
