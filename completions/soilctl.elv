
use builtin;
use str;

set edit:completion:arg-completer[soilctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'soilctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'soilctl'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand deploy 'Create or update the backend stack through a change set, with live progress'
            cand thing 'Per-device identities: things, certificates and keys made on this machine'
            cand status 'The stack, its outputs, the devices and their certificates, and the archive'
            cand rules 'Evaluate topic rules offline (IoT SQL), with no AWS account and no backend'
            cand local 'Run the embedded local backend (MQTT broker, rules, bucket, alerts) on this machine'
            cand simulate 'A fleet of simulated soil sensors, each with its own identity and connection'
            cand tail 'Live telemetry, like the AWS console''s MQTT test client (or a live chart)'
            cand demo 'The whole story offline in one command: backend, stack, devices, telemetry, alerts, teardown'
            cand teardown 'Remove everything the stack and soilctl created, and check that nothing is left'
            cand doctor 'Why a device cannot connect or publish: a checklist of its certificate and policies'
            cand shadow 'Device shadows: read, update or delete a thing''s classic or named shadow'
            cand ca 'Your own CA, for devices that register themselves on first connection (JITR)'
            cand claim 'Fleet provisioning by claim: claim certificates, and the serial numbers allowed'
            cand group 'Thing groups: owners'' gardens and sites, and the devices in them'
            cand pair 'Pair a device with its owner''s group by the code the device shows'
            cand unpair 'Undo a pairing: the device leaves its owner''s group and may be paired again'
            cand device-cert 'Device certificates signed by your own CA, registered by the backend on first connection'
            cand signing-key 'The stack''s code-signing key, which signs firmware images'
            cand firmware 'Firmware images: publish (signed, into the stack''s firmware bucket) and list'
            cand job 'AWS IoT Jobs: firmware rollouts to devices, followed live'
            cand file 'Files for one device only, encrypted to its certificate''s key and delivered by a job'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;deploy'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --email 'Address that receives humidity alerts (required for a new stack)'
            cand --threshold 'Alert on readings with humidity below this percentage (0 to 100)'
            cand --jitr 'Just-in-time registration: a device whose certificate comes from your registered CA becomes a thing on its first connection (`--jitr=false` switches it off again)'
            cand --fleet-provisioning 'Fleet provisioning by claim: devices that hold only a claim certificate (`claim create`) get their own certificate and thing on first connection, if their serial number was allowed (`claim allow`); `--fleet-provisioning=false` switches it off again'
            cand --pairing-code-lifetime 'How long a device''s pairing code lasts once it asked for one (1s to 24h, whole seconds) [default: the stack''s, at first 10m]'
            cand --template 'CloudFormation template to deploy instead of the built-in one'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -y 'Apply an update without asking (needed when stdin is not a terminal)'
            cand --yes 'Apply an update without asking (needed when stdin is not a terminal)'
            cand --no-wait 'Start the deployment and return without following it'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;thing'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create things, each with a key made here, a certificate from AWS IoT and the device policy'
            cand list 'List the things this stack manages'
            cand show 'Show one thing, its certificates and their policies'
            cand delete 'Delete things with their certificates (detached, deactivated, deleted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;thing;create'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --count 'Create this many things, named <prefix>1 ... <prefix>N'
            cand --prefix 'Name prefix used with --count'
            cand --devices-dir 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]'
            cand --out-dir 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]'
            cand --key-algorithm 'Key algorithm for the device key pair'
            cand --rate 'Highest rate of calls per AWS IoT API, per second (AWS''s default quotas allow 10 or more)'
            cand --concurrency 'How many things are created at the same time'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;thing;list'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --attribute 'Only things whose attribute KEY is VALUE; repeat to require several'
            cand --thing-type 'Only things of this thing type'
            cand --group 'Only things in this thing group (an owner''s garden, a site: see `soilctl group`)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --connected 'Only things connected now (on AWS this needs fleet indexing with connectivity)'
            cand --disconnected 'Only things not connected now (on AWS this needs fleet indexing with connectivity)'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;thing;show'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;thing;delete'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --devices-dir 'Directory of device files; the deleted things'' files are removed from it'
            cand --rate 'Highest rate of calls per AWS IoT API, per second'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;thing;help'= {
            cand create 'Create things, each with a key made here, a certificate from AWS IoT and the device policy'
            cand list 'List the things this stack manages'
            cand show 'Show one thing, its certificates and their policies'
            cand delete 'Delete things with their certificates (detached, deactivated, deleted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;thing;help;create'= {
        }
        &'soilctl;thing;help;list'= {
        }
        &'soilctl;thing;help;show'= {
        }
        &'soilctl;thing;help;delete'= {
        }
        &'soilctl;thing;help;help'= {
        }
        &'soilctl;status'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;rules'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand test 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;rules;test'= {
            cand --sql 'The IoT SQL statement to evaluate'
            cand --template 'Evaluate every AWS::IoT::TopicRule of this CloudFormation template'
            cand --topic 'Topic the message was published on'
            cand --payload 'The message: JSON text, or @FILE to read its bytes from a file'
            cand --sql-version 'SQL version for --sql: 2016-03-23 (the default, as the AWS console proposes) or 2015-10-08'
            cand --client-id 'Client id of the publisher, for clientid()'
            cand --principal 'Principal of the publisher, for principal()'
            cand --timestamp 'Arrival time in milliseconds since the epoch, for timestamp() (default: now)'
            cand --substitute 'A substitution template to render against the message, such as ''${topic(2)}'''
            cand --param 'A template parameter, NAME=VALUE (with --template)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;rules;help'= {
            cand test 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;rules;help;test'= {
        }
        &'soilctl;rules;help;help'= {
        }
        &'soilctl;local'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand up 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts'
            cand env 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;local;up'= {
            cand --port 'TCP port of the MQTT broker (mutual TLS) on 127.0.0.1'
            cand --api-port 'TCP port of the AWS API endpoint (HTTP) on 127.0.0.1, for the AWS CLI, boto3 and the SDKs (`soilctl local env`); 0 picks a free port'
            cand --https-port 'TCP port on 127.0.0.1 where devices publish over HTTPS with their certificates (AWS IoT Core''s port 8443); 0 picks a free port (`soilctl local env` says which)'
            cand --session-expiry 'How long a persistent session outlives its connection, as AWS IoT Core''s account setting (1 second to 7 days; MQTT 5 clients may ask for less)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;local;env'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;local;help'= {
            cand up 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts'
            cand env 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;local;help;up'= {
        }
        &'soilctl;local;help;env'= {
        }
        &'soilctl;local;help;help'= {
        }
        &'soilctl;simulate'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --devices 'How many devices to simulate'
            cand --prefix 'Device names are <PREFIX>1 ... <PREFIX>N'
            cand --interval 'Time between two readings of one device'
            cand --sleep 'Battery-powered devices that sleep this long, disconnected, between readings: each wake connects on a persistent session, publishes one reading, takes what the broker queued while it slept (a shadow delta) and disconnects. The shadow''s reportInterval changes the sleep. AWS IoT keeps a persistent session 1 hour by default: a longer sleep finds it gone'
            cand --duration 'Stop after this long [default: 10m unless --count is given]'
            cand --count 'Stop after each device has published this many readings'
            cand --qos 'MQTT quality of service of the readings: 0 or 1'
            cand --threshold 'Humidity the model dips under now and then (the stack''s alert threshold)'
            cand --seed 'Seed of the humidity model: the same seed gives the same readings'
            cand --ramp 'New connections per second while the fleet ramps up'
            cand --devices-dir 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]'
            cand --key-algorithm 'Key algorithm for devices that have to be created'
            cand --rate 'Highest rate of calls per AWS IoT API, per second, when creating devices'
            cand --onboard 'Devices that have no identity yet join as a factory-fresh device does: by claim, each with the claim certificate of --claim, asking for its own certificate (a key it makes, CreateCertificateFromCsr) and registering its serial number (its device name) with the stack''s provisioning template. The serial numbers must be allowed (`claim allow`)'
            cand --claim 'The claim certificate --onboard claim uses (`claim create --name`)'
            cand --ca 'The CA that issues the --jitr devices'' certificates [default: ~/.local/share/soilctl/ca]'
            cand --tamper-rate 'Corrupt this share of the devices'' job downloads (such as 10%), so that failed executions and a job''s abort criteria can be seen'
            cand --signing-dir 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]'
            cand --protocol 'How the devices send their readings: MQTT (with shadows and jobs), or HTTPS POSTs with their own certificates at QoS 1 (port 8443 of the iot:Data-ATS endpoint on AWS, the running `local up`''s HTTPS port locally), without shadows or jobs'
            cand --mqtt-endpoint 'Connect to this MQTT endpoint (HOST:PORT) instead of the account''s iot:Data-ATS endpoint or the running `local up` (a custom domain, a test broker)'
            cand --mqtt-ca 'Trust this CA file for the MQTT server''s certificate (with --mqtt-endpoint) [default: Amazon Root CA 1 on AWS, the backend''s CA locally]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --jitr 'Devices with certificates from your own CA (`soilctl ca create` and `ca register`) that AWS IoT does not know yet: each device''s first connection registers its certificate (just-in-time registration), the stack''s JITR function activates it, and a retry gets in'
            cand --service-keys 'With --onboard claim: CreateKeysAndCertificate (AWS IoT makes each device''s key and sends it) instead of a CSR for a key the device makes'
            cand --pair 'Each device asks for a pairing code once connected and shows it (pair it with `soilctl pair CODE --group G`); the codes are in the summary'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;tail'= {
            cand --count 'Stop after this many messages'
            cand --timeout 'Stop after this long'
            cand --threshold 'Readings with a humidity under this are highlighted (and drawn as the chart''s line)'
            cand --mqtt-endpoint 'Connect to this MQTT endpoint (HOST:PORT) instead of the account''s iot:Data-ATS endpoint or the running `local up` (a custom domain, a test broker)'
            cand --mqtt-ca 'Trust this CA file for the MQTT server''s certificate (with --mqtt-endpoint) [default: Amazon Root CA 1 on AWS, the backend''s CA locally]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --pretty 'Print JSON payloads indented over several lines'
            cand --chart 'A live chart of each device''s humidity in the terminal instead of lines (q quits)'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;demo'= {
            cand --duration 'How long the devices publish'
            cand --devices 'How many devices'
            cand --interval 'Time between two readings of one device'
            cand --threshold 'Alert threshold of the demo stack'
            cand --seed 'Seed of the humidity model'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;teardown'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --devices-dir 'Directory of device files; the deleted things'' files are removed from it'
            cand --rate 'Highest rate of calls per AWS IoT API, per second'
            cand --ca 'Your CA''s folder: the CAs it records as registered with this backend are deactivated and deleted [default: ~/.local/share/soilctl/ca]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -y 'Go ahead without asking (needed when stdin is not a terminal)'
            cand --yes 'Go ahead without asking (needed when stdin is not a terminal)'
            cand --dry-run 'Print the plan and change nothing'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;doctor'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --devices-dir 'Directory of device files, where the thing''s certificate and key may be'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;shadow'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand get 'Print a shadow: desired, reported and delta state, version and last update'
            cand update 'Merge desired and/or reported state into a shadow'
            cand delete 'Delete a shadow'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;shadow;get'= {
            cand --name 'A named shadow instead of the thing''s classic (unnamed) shadow'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;shadow;update'= {
            cand --name 'A named shadow instead of the thing''s classic (unnamed) shadow'
            cand --desired 'Desired state to merge, a JSON object (or null to remove it all)'
            cand --reported 'Reported state to merge, a JSON object (or null to remove it all)'
            cand --version 'Apply the update only if the shadow is at this version'
            cand --client-token 'Token echoed in the answers (at most 64 bytes)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'soilctl;shadow;delete'= {
            cand --name 'A named shadow instead of the thing''s classic (unnamed) shadow'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;shadow;help'= {
            cand get 'Print a shadow: desired, reported and delta state, version and last update'
            cand update 'Merge desired and/or reported state into a shadow'
            cand delete 'Delete a shadow'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;shadow;help;get'= {
        }
        &'soilctl;shadow;help;update'= {
        }
        &'soilctl;shadow;help;delete'= {
        }
        &'soilctl;shadow;help;help'= {
        }
        &'soilctl;ca'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a CA key pair and certificate in a directory on this machine (no network)'
            cand register 'Register the CA, active and with auto-registration on (JITR), proving its key'
            cand list 'List the registered CA certificates'
            cand delete 'Deactivate and delete a registered CA certificate'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;ca;create'= {
            cand --out 'Directory for the new CA [default: ~/.local/share/soilctl/ca]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;ca;register'= {
            cand --ca 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;ca;list'= {
            cand --ca 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;ca;delete'= {
            cand --ca 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --force 'Also deactivate, detach and delete the certificates the CA issued that are registered'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;ca;help'= {
            cand create 'Create a CA key pair and certificate in a directory on this machine (no network)'
            cand register 'Register the CA, active and with auto-registration on (JITR), proving its key'
            cand list 'List the registered CA certificates'
            cand delete 'Deactivate and delete a registered CA certificate'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;ca;help;create'= {
        }
        &'soilctl;ca;help;register'= {
        }
        &'soilctl;ca;help;list'= {
        }
        &'soilctl;ca;help;delete'= {
        }
        &'soilctl;ca;help;help'= {
        }
        &'soilctl;claim'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Make a claim certificate for a key made here (CSR), attached to the stack''s claim policy: it may do nothing but ask for a device''s own identity'
            cand list 'The stack''s claim certificates, and how many serial numbers may be provisioned'
            cand revoke 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)'
            cand allow 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;claim;create'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --name 'The batch this claim certificate is for (the factory run that flashes it)'
            cand --devices-dir 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;claim;list'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --devices-dir 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;claim;revoke'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --devices-dir 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;claim;allow'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --from 'Read more serial numbers from this file, one a line (`-`: standard input)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;claim;help'= {
            cand create 'Make a claim certificate for a key made here (CSR), attached to the stack''s claim policy: it may do nothing but ask for a device''s own identity'
            cand list 'The stack''s claim certificates, and how many serial numbers may be provisioned'
            cand revoke 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)'
            cand allow 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;claim;help;create'= {
        }
        &'soilctl;claim;help;list'= {
        }
        &'soilctl;claim;help;revoke'= {
        }
        &'soilctl;claim;help;allow'= {
        }
        &'soilctl;claim;help;help'= {
        }
        &'soilctl;group'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Make a thing group of the stack: an owner''s garden, a site'
            cand list 'The stack''s thing groups, with how many things each holds'
            cand show 'One group: its description and its things, with which of them it owns'
            cand delete 'Delete a group; the devices it owns are unpaired (the things themselves stay)'
            cand add 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)'
            cand remove 'Take things out of a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;group;create'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --description 'What the group is, such as "Ana''s allotment"'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;group;list'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;group;show'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;group;delete'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;group;add'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;group;remove'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;group;help'= {
            cand create 'Make a thing group of the stack: an owner''s garden, a site'
            cand list 'The stack''s thing groups, with how many things each holds'
            cand show 'One group: its description and its things, with which of them it owns'
            cand delete 'Delete a group; the devices it owns are unpaired (the things themselves stay)'
            cand add 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)'
            cand remove 'Take things out of a group'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;group;help;create'= {
        }
        &'soilctl;group;help;list'= {
        }
        &'soilctl;group;help;show'= {
        }
        &'soilctl;group;help;delete'= {
        }
        &'soilctl;group;help;add'= {
        }
        &'soilctl;group;help;remove'= {
        }
        &'soilctl;group;help;help'= {
        }
        &'soilctl;pair'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --group 'The owner''s group (see `soilctl group create`)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;unpair'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;device-cert'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand issue 'Make a device key and a certificate signed by your CA, with the thing name as CN'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;device-cert;issue'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --ca 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]'
            cand --out 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]'
            cand --key-algorithm 'Key algorithm for the device key pair'
            cand --days 'Validity of the device certificate, in days'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;device-cert;help'= {
            cand issue 'Make a device key and a certificate signed by your CA, with the thing name as CN'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;device-cert;help;issue'= {
        }
        &'soilctl;device-cert;help;help'= {
        }
        &'soilctl;signing-key'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Make the stack''s code-signing key (ECDSA P-256, kept here, 0600) and its certificate'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;signing-key;create'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --signing-dir 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --force 'Replace an existing key (images signed with the old one no longer verify on devices given the new certificate)'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;signing-key;help'= {
            cand create 'Make the stack''s code-signing key (ECDSA P-256, kept here, 0600) and its certificate'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;signing-key;help;create'= {
        }
        &'soilctl;signing-key;help;help'= {
        }
        &'soilctl;firmware'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand publish 'Put a firmware image into the stack''s firmware bucket, signed with the stack''s key'
            cand list 'List the published firmware versions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;firmware;publish'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --version 'Its version, such as 1.4.0 (published once)'
            cand --signing-dir 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'soilctl;firmware;list'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;firmware;help'= {
            cand publish 'Put a firmware image into the stack''s firmware bucket, signed with the stack''s key'
            cand list 'List the published firmware versions'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;firmware;help;publish'= {
        }
        &'soilctl;firmware;help;list'= {
        }
        &'soilctl;firmware;help;help'= {
        }
        &'soilctl;job'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Roll a firmware version out to the stack''s things as an AWS IoT job'
            cand list 'List the stack''s jobs'
            cand show 'Show one job and its executions'
            cand watch 'Follow a job''s executions live until it completes'
            cand cancel 'Cancel a job: queued executions are canceled (with --force, those in progress too)'
            cand delete 'Delete a job and its executions (--force for one still in progress)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;job;create'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --firmware 'The firmware version to install (see `firmware publish`)'
            cand --thing 'A thing to update (repeat for more)'
            cand --group 'Every thing in this thing group of the stack (see `soilctl group`)'
            cand --job-id 'The job''s id [default: firmware-<version>-<time>]'
            cand --rollout-rate 'At most this many devices notified a minute (1 to 1000) [default: AWS''s 1000]'
            cand --rollout-factor 'An exponential rollout: --rollout-rate is the starting rate, multiplied by this factor (1.1 to 5, one decimal) each time --rollout-every more devices were notified'
            cand --rollout-every 'With --rollout-factor: how many more devices notified raise the rate'
            cand --abort-after 'Cancel the job once this share of the finished executions failed, such as 20%'
            cand --min-executed 'How many executions must have finished before --abort-after applies'
            cand --timeout 'An execution still in progress this long after it started times out (1m to 7d)'
            cand --url-expiry 'How long a device''s download URL is valid (1m to 1h)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --all 'Every thing of the stack'
            cand --continuous 'With --group: also every thing that joins the group later (paired or added), for as long as the job runs (a continuous job)'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;job;list'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;job;show'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;job;watch'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --timeout 'Give up after this long'
            cand --interval 'Time between two looks at the job'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;job;cancel'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --force 'Also executions in progress (the device may be mid-install)'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;job;delete'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand --force 'Also executions in progress (the device may be mid-install)'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;job;help'= {
            cand create 'Roll a firmware version out to the stack''s things as an AWS IoT job'
            cand list 'List the stack''s jobs'
            cand show 'Show one job and its executions'
            cand watch 'Follow a job''s executions live until it completes'
            cand cancel 'Cancel a job: queued executions are canceled (with --force, those in progress too)'
            cand delete 'Delete a job and its executions (--force for one still in progress)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;job;help;create'= {
        }
        &'soilctl;job;help;list'= {
        }
        &'soilctl;job;help;show'= {
        }
        &'soilctl;job;help;watch'= {
        }
        &'soilctl;job;help;cancel'= {
        }
        &'soilctl;job;help;delete'= {
        }
        &'soilctl;job;help;help'= {
        }
        &'soilctl;file'= {
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand send 'Send a file that only one device can read: encrypted to its certificate''s key, delivered by a job'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;file;send'= {
            cand --stack-name 'Name of the CloudFormation stack'
            cand --url-expiry 'How long the device''s download URL is valid (1m to 1h)'
            cand --profile 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)'
            cand --region 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)'
            cand --endpoint-url 'Send every AWS API call to this endpoint instead of AWS''s'
            cand --output 'How to print results on stdout'
            cand --state-dir 'State directory of the local backend [default: ~/.local/state/soilctl/local]'
            cand -q 'Print less on stderr (twice: only errors)'
            cand --quiet 'Print less on stderr (twice: only errors)'
            cand -v 'Print more on stderr (each AWS call with -vv)'
            cand --verbose 'Print more on stderr (each AWS call with -vv)'
            cand --local 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'soilctl;file;help'= {
            cand send 'Send a file that only one device can read: encrypted to its certificate''s key, delivered by a job'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;file;help;send'= {
        }
        &'soilctl;file;help;help'= {
        }
        &'soilctl;help'= {
            cand deploy 'Create or update the backend stack through a change set, with live progress'
            cand thing 'Per-device identities: things, certificates and keys made on this machine'
            cand status 'The stack, its outputs, the devices and their certificates, and the archive'
            cand rules 'Evaluate topic rules offline (IoT SQL), with no AWS account and no backend'
            cand local 'Run the embedded local backend (MQTT broker, rules, bucket, alerts) on this machine'
            cand simulate 'A fleet of simulated soil sensors, each with its own identity and connection'
            cand tail 'Live telemetry, like the AWS console''s MQTT test client (or a live chart)'
            cand demo 'The whole story offline in one command: backend, stack, devices, telemetry, alerts, teardown'
            cand teardown 'Remove everything the stack and soilctl created, and check that nothing is left'
            cand doctor 'Why a device cannot connect or publish: a checklist of its certificate and policies'
            cand shadow 'Device shadows: read, update or delete a thing''s classic or named shadow'
            cand ca 'Your own CA, for devices that register themselves on first connection (JITR)'
            cand claim 'Fleet provisioning by claim: claim certificates, and the serial numbers allowed'
            cand group 'Thing groups: owners'' gardens and sites, and the devices in them'
            cand pair 'Pair a device with its owner''s group by the code the device shows'
            cand unpair 'Undo a pairing: the device leaves its owner''s group and may be paired again'
            cand device-cert 'Device certificates signed by your own CA, registered by the backend on first connection'
            cand signing-key 'The stack''s code-signing key, which signs firmware images'
            cand firmware 'Firmware images: publish (signed, into the stack''s firmware bucket) and list'
            cand job 'AWS IoT Jobs: firmware rollouts to devices, followed live'
            cand file 'Files for one device only, encrypted to its certificate''s key and delivered by a job'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'soilctl;help;deploy'= {
        }
        &'soilctl;help;thing'= {
            cand create 'Create things, each with a key made here, a certificate from AWS IoT and the device policy'
            cand list 'List the things this stack manages'
            cand show 'Show one thing, its certificates and their policies'
            cand delete 'Delete things with their certificates (detached, deactivated, deleted)'
        }
        &'soilctl;help;thing;create'= {
        }
        &'soilctl;help;thing;list'= {
        }
        &'soilctl;help;thing;show'= {
        }
        &'soilctl;help;thing;delete'= {
        }
        &'soilctl;help;status'= {
        }
        &'soilctl;help;rules'= {
            cand test 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message'
        }
        &'soilctl;help;rules;test'= {
        }
        &'soilctl;help;local'= {
            cand up 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts'
            cand env 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"'
        }
        &'soilctl;help;local;up'= {
        }
        &'soilctl;help;local;env'= {
        }
        &'soilctl;help;simulate'= {
        }
        &'soilctl;help;tail'= {
        }
        &'soilctl;help;demo'= {
        }
        &'soilctl;help;teardown'= {
        }
        &'soilctl;help;doctor'= {
        }
        &'soilctl;help;shadow'= {
            cand get 'Print a shadow: desired, reported and delta state, version and last update'
            cand update 'Merge desired and/or reported state into a shadow'
            cand delete 'Delete a shadow'
        }
        &'soilctl;help;shadow;get'= {
        }
        &'soilctl;help;shadow;update'= {
        }
        &'soilctl;help;shadow;delete'= {
        }
        &'soilctl;help;ca'= {
            cand create 'Create a CA key pair and certificate in a directory on this machine (no network)'
            cand register 'Register the CA, active and with auto-registration on (JITR), proving its key'
            cand list 'List the registered CA certificates'
            cand delete 'Deactivate and delete a registered CA certificate'
        }
        &'soilctl;help;ca;create'= {
        }
        &'soilctl;help;ca;register'= {
        }
        &'soilctl;help;ca;list'= {
        }
        &'soilctl;help;ca;delete'= {
        }
        &'soilctl;help;claim'= {
            cand create 'Make a claim certificate for a key made here (CSR), attached to the stack''s claim policy: it may do nothing but ask for a device''s own identity'
            cand list 'The stack''s claim certificates, and how many serial numbers may be provisioned'
            cand revoke 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)'
            cand allow 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)'
        }
        &'soilctl;help;claim;create'= {
        }
        &'soilctl;help;claim;list'= {
        }
        &'soilctl;help;claim;revoke'= {
        }
        &'soilctl;help;claim;allow'= {
        }
        &'soilctl;help;group'= {
            cand create 'Make a thing group of the stack: an owner''s garden, a site'
            cand list 'The stack''s thing groups, with how many things each holds'
            cand show 'One group: its description and its things, with which of them it owns'
            cand delete 'Delete a group; the devices it owns are unpaired (the things themselves stay)'
            cand add 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)'
            cand remove 'Take things out of a group'
        }
        &'soilctl;help;group;create'= {
        }
        &'soilctl;help;group;list'= {
        }
        &'soilctl;help;group;show'= {
        }
        &'soilctl;help;group;delete'= {
        }
        &'soilctl;help;group;add'= {
        }
        &'soilctl;help;group;remove'= {
        }
        &'soilctl;help;pair'= {
        }
        &'soilctl;help;unpair'= {
        }
        &'soilctl;help;device-cert'= {
            cand issue 'Make a device key and a certificate signed by your CA, with the thing name as CN'
        }
        &'soilctl;help;device-cert;issue'= {
        }
        &'soilctl;help;signing-key'= {
            cand create 'Make the stack''s code-signing key (ECDSA P-256, kept here, 0600) and its certificate'
        }
        &'soilctl;help;signing-key;create'= {
        }
        &'soilctl;help;firmware'= {
            cand publish 'Put a firmware image into the stack''s firmware bucket, signed with the stack''s key'
            cand list 'List the published firmware versions'
        }
        &'soilctl;help;firmware;publish'= {
        }
        &'soilctl;help;firmware;list'= {
        }
        &'soilctl;help;job'= {
            cand create 'Roll a firmware version out to the stack''s things as an AWS IoT job'
            cand list 'List the stack''s jobs'
            cand show 'Show one job and its executions'
            cand watch 'Follow a job''s executions live until it completes'
            cand cancel 'Cancel a job: queued executions are canceled (with --force, those in progress too)'
            cand delete 'Delete a job and its executions (--force for one still in progress)'
        }
        &'soilctl;help;job;create'= {
        }
        &'soilctl;help;job;list'= {
        }
        &'soilctl;help;job;show'= {
        }
        &'soilctl;help;job;watch'= {
        }
        &'soilctl;help;job;cancel'= {
        }
        &'soilctl;help;job;delete'= {
        }
        &'soilctl;help;file'= {
            cand send 'Send a file that only one device can read: encrypted to its certificate''s key, delivered by a job'
        }
        &'soilctl;help;file;send'= {
        }
        &'soilctl;help;help'= {
        }
    ]
    $completions[$command]
}
