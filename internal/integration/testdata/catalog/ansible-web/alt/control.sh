#!/bin/sh
# Another correct solution: a role, a YAML inventory, ansible.cfg for the
# remote user, group_vars, copy with inline Jinja for the page,
# server_tokens set in nginx.conf with lineinfile, deploy's primary group
# webops, and the sysvinit module.
set -eu
mkdir -p /root/site/roles/webserver/tasks /root/site/roles/webserver/handlers \
	/root/site/roles/webserver/templates /root/site/group_vars
cd /root/site

cat >ansible.cfg <<'CFG'
[defaults]
remote_user = root
interpreter_python = /usr/bin/python3
CFG

cat >inventory <<'INV'
all:
  children:
    webservers:
      hosts:
        web-1:
          ansible_host: 10.70.0.11
        web-2:
          ansible_host: 10.70.0.12
        web-3:
          ansible_host: 10.70.0.13
INV

cat >group_vars/webservers.yml <<'VARS'
site_root: /srv/www/site
site_owner: deploy
site_group: webops
VARS

cat >site.yml <<'YML'
- hosts: webservers
  roles:
    - webserver
YML

cat >roles/webserver/tasks/main.yml <<'YML'
- name: Package
  ansible.builtin.package:
    name: nginx-light
    state: present

- name: Group
  ansible.builtin.group:
    name: "{{ site_group }}"

- name: Deploy account, primary group webops
  ansible.builtin.user:
    name: "{{ site_owner }}"
    group: "{{ site_group }}"
    shell: /bin/bash
    home: /home/deploy

- name: Site directories
  ansible.builtin.file:
    path: "{{ item }}"
    state: directory
    owner: "{{ site_owner }}"
    group: "{{ site_group }}"
    mode: "2775"
  loop:
    - /srv/www
    - "{{ site_root }}"

- name: Page
  ansible.builtin.copy:
    dest: "{{ site_root }}/index.html"
    owner: "{{ site_owner }}"
    group: "{{ site_group }}"
    mode: "0644"
    content: |
      <html><body>
      <h1>{{ ansible_facts['hostname'] }}</h1>
      <p>Managed by Ansible.</p>
      </body></html>

- name: Site
  ansible.builtin.template:
    src: site.j2
    dest: /etc/nginx/conf.d/site.conf
  notify: nginx reload

- name: No default site
  ansible.builtin.file:
    path: /etc/nginx/sites-enabled/default
    state: absent
  notify: nginx reload

- name: Hide the version
  ansible.builtin.lineinfile:
    path: /etc/nginx/nginx.conf
    regexp: '^\s*#?\s*server_tokens\s'
    line: "\tserver_tokens off;"
  notify: nginx reload

- name: Service
  ansible.builtin.sysvinit:
    name: nginx
    state: started
    enabled: true
YML

cat >roles/webserver/handlers/main.yml <<'YML'
- name: nginx reload
  ansible.builtin.command: nginx -t
  changed_when: false
  listen: nginx reload

- name: reload nginx service
  ansible.builtin.service:
    name: nginx
    state: reloaded
  listen: nginx reload
YML

cat >roles/webserver/templates/site.j2 <<'TPL'
server {
	listen 80 default_server;
	root {{ site_root }};
}
TPL

ansible-playbook -i inventory site.yml
