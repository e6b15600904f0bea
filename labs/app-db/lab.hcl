# An application server, its PostgreSQL server and an office workstation on
# one LAN: database exercises (remote access, pg_hba, schema, indexes).

lab "app-db" {
  title       = "An application server and its PostgreSQL server"
  description = <<-EOT
    The server LAN 10.80.0.0/24 holds the application server "app"
    (10.80.0.10, PostgreSQL client tools installed), the database server
    "db" (10.80.0.20, PostgreSQL 15 running, listening on localhost only)
    and a workstation "office" (10.80.0.100, client tools too) that the
    office uses for reporting.
  EOT
}

network "lan" {
  title  = "Server LAN"
  subnet = "10.80.0.0/24"
}

node "app" {
  title    = "Application server"
  packages = ["postgresql-client"]
  interface "lan" {
    address = "10.80.0.10/24"
  }
}

node "db" {
  title    = "Database server (PostgreSQL)"
  packages = ["postgresql"]
  services = ["postgresql"]
  interface "lan" {
    address = "10.80.0.20/24"
  }
}

node "office" {
  title    = "Office workstation"
  packages = ["postgresql-client"]
  interface "lan" {
    address = "10.80.0.100/24"
  }
}
