scenario "first-server" {
  title   = "Build your first Linux server"
  lab     = "single-server"
  track   = "server"
  level   = 1
  minutes = 45
  pass    = 70
  brief   = file("BRIEF.md")
}

# Puts the server into a "fresh install" state: password logins allowed,
# nginx stopped, a backup script waiting to be scheduled.
setup "server" { script = file("setup/server.sh") }

goal "deploy-user" {
  title  = "An admin account 'deploy' exists"
  points = 15
  hints  = ["useradd has options for the home directory (-m), the shell (-s) and extra groups (-G).",
            "useradd -m -s /bin/bash -G sudo deploy"]
  check "user" {
    on     = "server"
    name   = "deploy"
    groups = ["sudo"]
    shell  = "/bin/bash"
    home   = "/home/deploy"
  }
  check "file" {
    on    = "server"
    path  = "/home/deploy"
    type  = "directory"
    owner = "deploy"
  }
}

goal "deploy-ssh-dir" {
  title  = "deploy has a private ~/.ssh directory"
  points = 10
  needs  = ["deploy-user"]
  hints  = ["sshd refuses keys when ~/.ssh is writable by others: mode 0700, owned by the user.",
            "install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh"]
  check "file" {
    on    = "server"
    path  = "/home/deploy/.ssh"
    type  = "directory"
    mode  = "0700"
    owner = "deploy"
  }
}

goal "ssh-hardening" {
  title  = "SSH accepts keys only and few attempts"
  points = 25
  hints  = ["Run sshd -T to see the settings sshd will really use. Files in /etc/ssh/sshd_config.d are read first, and the first value found wins.",
            "Set PasswordAuthentication no, PermitRootLogin prohibit-password and MaxAuthTries 3, check with sshd -t, then reload sshd."]
  check "sshd" {
    on    = "server"
    key   = "PasswordAuthentication"
    value = "no"
  }
  check "sshd" {
    on    = "server"
    key   = "PermitRootLogin"
    value = "prohibit-password"
  }
  check "sshd" {
    on    = "server"
    key   = "MaxAuthTries"
    value = "3"
  }
}

goal "web" {
  title  = "nginx serves the labdojo page on port 80"
  points = 25
  within = "10s"
  hints  = ["There is no systemd on this server: use the service command.",
            "Put a page containing the word labdojo in /var/www/html/index.html, then: service nginx start"]
  check "service" {
    on   = "server"
    name = "nginx"
  }
  check "port" {
    on   = "server"
    port = 80
  }
  check "http" {
    on       = "server"
    url      = "http://127.0.0.1/"
    contains = "labdojo"
  }
}

goal "backup-cron" {
  title  = "The backup script runs every day"
  points = 15
  hints  = ["crontab -e edits root's crontab; the five time fields are minute hour day-of-month month day-of-week.",
            "30 2 * * * /usr/local/bin/backup-etc.sh"]
  check "cron" {
    on       = "server"
    user     = "root"
    contains = "/usr/local/bin/backup-etc.sh"
  }
  check "command" {
    on    = "server"
    title = "the backup entry is scheduled daily"
    run   = <<-EOT
      { crontab -l 2>/dev/null; cat /etc/crontab /etc/cron.d/* 2>/dev/null; } |
        grep -v '^[[:space:]]*#' | grep 'backup-etc.sh' |
        grep -Eq '^[[:space:]]*(@daily|@midnight|[0-9]+[[:space:]]+[0-9]+[[:space:]]+\*[[:space:]]+\*[[:space:]]+\*)'
    EOT
  }
}

goal "motd" {
  title  = "Logins show a warning banner"
  points = 10
  hints  = ["The message of the day is the file /etc/motd."]
  check "file" {
    on      = "server"
    path    = "/etc/motd"
    matches = "(?i)authori[sz]ed use only"
  }
}

solution "server" { script = file("solution/server.sh") }
