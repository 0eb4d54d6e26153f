#!/bin/sh
# Create a demo lookout instance (once) and serve it on 127.0.0.1:8080.
# usage: scripts/demo.sh BINARY DATADIR
set -eu
bin=$1 dir=$2
accounts="$dir/demo-accounts.txt"

pw() {
	# 16 letters and digits from the kernel's random source.
	tr -dc 'a-km-z2-9' </dev/urandom | head -c 16
}

if [ ! -e "$dir/lookout.db" ]; then
	mkdir -p "$dir"
	chmod 700 "$dir"
	admin_pw=$(pw) outreach_pw=$(pw) member_pw=$(pw) liaison_pw=$(pw)
	echo "$admin_pw" | "$bin" init --data "$dir" --admin demo-admin \
		--org "Demo Outreach Collective" >/dev/null
	"$bin" region add --data "$dir" --code ca --name Canada >/dev/null
	"$bin" region add --data "$dir" --code ca-bc --name "British Columbia" \
		--parent ca >/dev/null
	"$bin" region add --data "$dir" --code ca-bc-van --name Vancouver \
		--parent ca-bc >/dev/null
	"$bin" region add --data "$dir" --code ca-bc-vic --name Victoria \
		--parent ca-bc >/dev/null
	"$bin" region add --data "$dir" --code ca-on --name Ontario \
		--parent ca >/dev/null
	"$bin" region add --data "$dir" --code ca-on-tor --name Toronto \
		--parent ca-on >/dev/null
	echo "$outreach_pw" | "$bin" user add --data "$dir" --role outreach \
		--name demo-outreach --region ca-bc-van --region ca-bc-vic >/dev/null
	echo "$member_pw" | "$bin" user add --data "$dir" --role member \
		--name demo-member --region ca-bc-van >/dev/null
	echo "$liaison_pw" | "$bin" user add --data "$dir" --role liaison \
		--name demo-liaison --region ca-bc-van >/dev/null
	umask 077
	cat >"$accounts" <<EOT
role      name           password
admin     demo-admin     $admin_pw
outreach  demo-outreach  $outreach_pw
member    demo-member    $member_pw
liaison   demo-liaison   $liaison_pw
EOT
fi

echo "lookout demo instance in $dir/ (regions: Canada > British Columbia >"
echo "Vancouver, Victoria; Ontario > Toronto). Sign in with:"
echo
cat "$accounts"
echo
echo "Open http://127.0.0.1:8080/ ; Ctrl-C stops the server."
exec "$bin" serve --data "$dir" --listen 127.0.0.1:8080
