# An application server and a backup server: backups with rsync over SSH,
# scheduled with cron, and restores.

lab "backup-pair" {
  title       = "An application server and its backup server"
  description = <<-EOT
    "app" (10.60.0.10) runs the application and keeps its data under
    /srv/app. "backup" (10.60.0.20) is the backup server. Both are on the
    LAN 10.60.0.0/24 and run sshd.
  EOT
}

network "lan" {
  subnet = "10.60.0.0/24"
}

node "app" {
  title = "Application server"
  interface "lan" {
    address = "10.60.0.10/24"
  }
}

node "backup" {
  title = "Backup server"
  interface "lan" {
    address = "10.60.0.20/24"
  }
}
