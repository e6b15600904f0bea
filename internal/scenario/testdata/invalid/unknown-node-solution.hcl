# expect: Unknown node @ 12:1 ~ solution names node "rooter"
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
solution "rooter" { script = "true" }
