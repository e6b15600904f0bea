# A template with three nested for directives over range(1024).
lab "hostile" {}
network "lan" { subnet = "10.0.0.0/24" }
node "n1" {
  file "/etc/x" { content = templatefile("files/x.tpl", { n = range(1024) }) }
}
