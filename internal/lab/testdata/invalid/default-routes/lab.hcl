lab "default-routes" {}
network "lan" { subnet = "10.0.0.0/24" }
node "client" {
  interface "lan" {
    address = "10.0.0.10/24"
    gateway = "10.0.0.1"
  }
  route {
    destination = "default"
    via         = "10.0.0.2"
  }
  route {
    destination = "10.1.0.0/16"
  }
}

# Expected diagnostics (line:column summary), checked by TestInvalidFixtures:
# error: 9:19 More than one default route
# error: 12:3 Route needs via or dev
