# expect: Dependency cycle @ 21:11 ~ a -> b -> c -> a
scenario "t" {
  lab = "two-subnets"
  track = "network"
}
goal "a" {
  needs = ["b"]
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
goal "b" {
  needs = ["c"]
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
goal "c" {
  needs = ["a"]
  check "ping" {
    on = "client"
    host = "10.0.0.1"
  }
}
