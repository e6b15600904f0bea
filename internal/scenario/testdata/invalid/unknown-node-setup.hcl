# expect: Unknown node @ 6:1 ~ setup names node "db"
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
setup "db" { script = "true" }
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
