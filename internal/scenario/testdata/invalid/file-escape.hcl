# expect: Invalid function argument @ 5:17 ~ leaves the scenario directory
scenario "t" {
  lab = "two-subnets"
  track = "network"
  brief = file("../../load.go")
}
goal "g" {
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
