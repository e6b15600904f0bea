scenario "demo" {
  title     = format("Demo %s", upper("lab"))
  lab       = "../labs/demo/lab.hcl"
  track     = "network"
  level     = 2
  minutes   = 20
  brief     = trimspace(file("BRIEF.md"))
  hint_cost = 2
}

setup "router" { script = file("setup/router.sh") }
setup "client" { script = "echo client" }

goal "forwarding" {
  hints = ["one", join(" ", ["two", "words"])]
  check "sysctl" {
    on    = "router"
    key   = "net.ipv4.ip_forward"
    value = 1
  }
}

goal "reach" {
  title   = "client reaches web"
  points  = 20
  needs   = ["forwarding"]
  within  = "20s"
  timeout = "3s"
  check "http" {
    on       = "client"
    title    = "web answers"
    url      = "http://10.10.2.10/"
    contains = lower("WELCOME")
  }
  check "tcp" {
    on     = "client"
    host   = "10.10.2.10"
    port   = 23
    expect = "closed"
  }
}

solution "router" { script = "sysctl -w net.ipv4.ip_forward=1" }
