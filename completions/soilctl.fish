# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_soilctl_global_optspecs
    string join \n profile= region= endpoint-url= output= q/quiet v/verbose local state-dir= h/help V/version
end

function __fish_soilctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_soilctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_soilctl_using_subcommand
    set -l cmd (__fish_soilctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c soilctl -n "__fish_soilctl_needs_command" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_needs_command" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_needs_command" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_needs_command" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_needs_command" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_needs_command" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_needs_command" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_needs_command" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_needs_command" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "deploy" -d 'Create or update the backend stack through a change set, with live progress'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "thing" -d 'Per-device identities: things, certificates and keys made on this machine'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "status" -d 'The stack, its outputs, the devices and their certificates, and the archive'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "rules" -d 'Evaluate topic rules offline (IoT SQL), with no AWS account and no backend'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "local" -d 'Run the embedded local backend (MQTT broker, rules, bucket, alerts) on this machine'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "simulate" -d 'A fleet of simulated soil sensors, each with its own identity and connection'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "tail" -d 'Live telemetry, like the AWS console\'s MQTT test client (or a live chart)'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "demo" -d 'The whole story offline in one command: backend, stack, devices, telemetry, alerts, teardown'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "teardown" -d 'Remove everything the stack and soilctl created, and check that nothing is left'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "doctor" -d 'Why a device cannot connect or publish: a checklist of its certificate and policies'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "shadow" -d 'Device shadows: read, update or delete a thing\'s classic or named shadow'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "ca" -d 'Your own CA, for devices that register themselves on first connection (JITR)'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "claim" -d 'Fleet provisioning by claim: claim certificates, and the serial numbers allowed'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "group" -d 'Thing groups: owners\' gardens and sites, and the devices in them'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "pair" -d 'Pair a device with its owner\'s group by the code the device shows'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "unpair" -d 'Undo a pairing: the device leaves its owner\'s group and may be paired again'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "device-cert" -d 'Device certificates signed by your own CA, registered by the backend on first connection'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "signing-key" -d 'The stack\'s code-signing key, which signs firmware images'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "firmware" -d 'Firmware images: publish (signed, into the stack\'s firmware bucket) and list'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "job" -d 'AWS IoT Jobs: firmware rollouts to devices, followed live'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "file" -d 'Files for one device only, encrypted to its certificate\'s key and delivered by a job'
complete -c soilctl -n "__fish_soilctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l email -d 'Address that receives humidity alerts (required for a new stack)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l threshold -d 'Alert on readings with humidity below this percentage (0 to 100)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l jitr -d 'Just-in-time registration: a device whose certificate comes from your registered CA becomes a thing on its first connection (`--jitr=false` switches it off again)' -r -f -a "true\t''
false\t''"
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l fleet-provisioning -d 'Fleet provisioning by claim: devices that hold only a claim certificate (`claim create`) get their own certificate and thing on first connection, if their serial number was allowed (`claim allow`); `--fleet-provisioning=false` switches it off again' -r -f -a "true\t''
false\t''"
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l pairing-code-lifetime -d 'How long a device\'s pairing code lasts once it asked for one (1s to 24h, whole seconds) [default: the stack\'s, at first 10m]' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l template -d 'CloudFormation template to deploy instead of the built-in one' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -s y -l yes -d 'Apply an update without asking (needed when stdin is not a terminal)'
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l no-wait -d 'Start the deployment and return without following it'
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand deploy" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -f -a "create" -d 'Create things, each with a key made here, a certificate from AWS IoT and the device policy'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -f -a "list" -d 'List the things this stack manages'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -f -a "show" -d 'Show one thing, its certificates and their policies'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -f -a "delete" -d 'Delete things with their certificates (detached, deactivated, deleted)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and not __fish_seen_subcommand_from create list show delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l count -d 'Create this many things, named <prefix>1 ... <prefix>N' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l prefix -d 'Name prefix used with --count' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l devices-dir -l out-dir -d 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l key-algorithm -d 'Key algorithm for the device key pair' -r -f -a "ecdsa-p256\t'ECDSA with the NIST P-256 curve'
ecdsa-p384\t'ECDSA with the NIST P-384 curve'
rsa2048\t'RSA, 2048 bits'"
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l rate -d 'Highest rate of calls per AWS IoT API, per second (AWS\'s default quotas allow 10 or more)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l concurrency -d 'How many things are created at the same time' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l attribute -d 'Only things whose attribute KEY is VALUE; repeat to require several' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l thing-type -d 'Only things of this thing type' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l group -d 'Only things in this thing group (an owner\'s garden, a site: see `soilctl group`)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l connected -d 'Only things connected now (on AWS this needs fleet indexing with connectivity)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l disconnected -d 'Only things not connected now (on AWS this needs fleet indexing with connectivity)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l devices-dir -d 'Directory of device files; the deleted things\' files are removed from it' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l rate -d 'Highest rate of calls per AWS IoT API, per second' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create things, each with a key made here, a certificate from AWS IoT and the device policy'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the things this stack manages'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one thing, its certificates and their policies'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete things with their certificates (detached, deactivated, deleted)'
complete -c soilctl -n "__fish_soilctl_using_subcommand thing; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand status" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -f -a "test" -d 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and not __fish_seen_subcommand_from test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l sql -d 'The IoT SQL statement to evaluate' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l template -d 'Evaluate every AWS::IoT::TopicRule of this CloudFormation template' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l topic -d 'Topic the message was published on' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l payload -d 'The message: JSON text, or @FILE to read its bytes from a file' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l sql-version -d 'SQL version for --sql: 2016-03-23 (the default, as the AWS console proposes) or 2015-10-08' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l client-id -d 'Client id of the publisher, for clientid()' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l principal -d 'Principal of the publisher, for principal()' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l timestamp -d 'Arrival time in milliseconds since the epoch, for timestamp() (default: now)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l substitute -d 'A substitution template to render against the message, such as \'${topic(2)}\'' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l param -d 'A template parameter, NAME=VALUE (with --template)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "test" -d 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message'
complete -c soilctl -n "__fish_soilctl_using_subcommand rules; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -f -a "up" -d 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -f -a "env" -d 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and not __fish_seen_subcommand_from up env help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l port -d 'TCP port of the MQTT broker (mutual TLS) on 127.0.0.1' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l api-port -d 'TCP port of the AWS API endpoint (HTTP) on 127.0.0.1, for the AWS CLI, boto3 and the SDKs (`soilctl local env`); 0 picks a free port' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l https-port -d 'TCP port on 127.0.0.1 where devices publish over HTTPS with their certificates (AWS IoT Core\'s port 8443); 0 picks a free port (`soilctl local env` says which)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l session-expiry -d 'How long a persistent session outlives its connection, as AWS IoT Core\'s account setting (1 second to 7 days; MQTT 5 clients may ask for less)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from env" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "up" -d 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "env" -d 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"'
complete -c soilctl -n "__fish_soilctl_using_subcommand local; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l devices -d 'How many devices to simulate' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l prefix -d 'Device names are <PREFIX>1 ... <PREFIX>N' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l interval -d 'Time between two readings of one device' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l sleep -d 'Battery-powered devices that sleep this long, disconnected, between readings: each wake connects on a persistent session, publishes one reading, takes what the broker queued while it slept (a shadow delta) and disconnects. The shadow\'s reportInterval changes the sleep. AWS IoT keeps a persistent session 1 hour by default: a longer sleep finds it gone' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l duration -d 'Stop after this long [default: 10m unless --count is given]' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l count -d 'Stop after each device has published this many readings' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l qos -d 'MQTT quality of service of the readings: 0 or 1' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l threshold -d 'Humidity the model dips under now and then (the stack\'s alert threshold)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l seed -d 'Seed of the humidity model: the same seed gives the same readings' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l ramp -d 'New connections per second while the fleet ramps up' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l devices-dir -d 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l key-algorithm -d 'Key algorithm for devices that have to be created' -r -f -a "ecdsa-p256\t'ECDSA with the NIST P-256 curve'
ecdsa-p384\t'ECDSA with the NIST P-384 curve'
rsa2048\t'RSA, 2048 bits'"
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l rate -d 'Highest rate of calls per AWS IoT API, per second, when creating devices' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l onboard -d 'Devices that have no identity yet join as a factory-fresh device does: by claim, each with the claim certificate of --claim, asking for its own certificate (a key it makes, CreateCertificateFromCsr) and registering its serial number (its device name) with the stack\'s provisioning template. The serial numbers must be allowed (`claim allow`)' -r -f -a "claim\t'Fleet provisioning by claim'"
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l claim -d 'The claim certificate --onboard claim uses (`claim create --name`)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l ca -d 'The CA that issues the --jitr devices\' certificates [default: ~/.local/share/soilctl/ca]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l tamper-rate -d 'Corrupt this share of the devices\' job downloads (such as 10%), so that failed executions and a job\'s abort criteria can be seen' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l signing-dir -d 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l protocol -d 'How the devices send their readings: MQTT (with shadows and jobs), or HTTPS POSTs with their own certificates at QoS 1 (port 8443 of the iot:Data-ATS endpoint on AWS, the running `local up`\'s HTTPS port locally), without shadows or jobs' -r -f -a "mqtt\t'MQTT over mutual TLS (port 8883)'
https\t'HTTPS with the device certificate (port 8443)'"
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l mqtt-endpoint -d 'Connect to this MQTT endpoint (HOST:PORT) instead of the account\'s iot:Data-ATS endpoint or the running `local up` (a custom domain, a test broker)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l mqtt-ca -d 'Trust this CA file for the MQTT server\'s certificate (with --mqtt-endpoint) [default: Amazon Root CA 1 on AWS, the backend\'s CA locally]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l jitr -d 'Devices with certificates from your own CA (`soilctl ca create` and `ca register`) that AWS IoT does not know yet: each device\'s first connection registers its certificate (just-in-time registration), the stack\'s JITR function activates it, and a retry gets in'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l service-keys -d 'With --onboard claim: CreateKeysAndCertificate (AWS IoT makes each device\'s key and sends it) instead of a CSR for a key the device makes'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l pair -d 'Each device asks for a pairing code once connected and shows it (pair it with `soilctl pair CODE --group G`); the codes are in the summary'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand simulate" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l count -d 'Stop after this many messages' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l timeout -d 'Stop after this long' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l threshold -d 'Readings with a humidity under this are highlighted (and drawn as the chart\'s line)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l mqtt-endpoint -d 'Connect to this MQTT endpoint (HOST:PORT) instead of the account\'s iot:Data-ATS endpoint or the running `local up` (a custom domain, a test broker)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l mqtt-ca -d 'Trust this CA file for the MQTT server\'s certificate (with --mqtt-endpoint) [default: Amazon Root CA 1 on AWS, the backend\'s CA locally]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l pretty -d 'Print JSON payloads indented over several lines'
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l chart -d 'A live chart of each device\'s humidity in the terminal instead of lines (q quits)'
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand tail" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l duration -d 'How long the devices publish' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l devices -d 'How many devices' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l interval -d 'Time between two readings of one device' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l threshold -d 'Alert threshold of the demo stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l seed -d 'Seed of the humidity model' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand demo" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l devices-dir -d 'Directory of device files; the deleted things\' files are removed from it' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l rate -d 'Highest rate of calls per AWS IoT API, per second' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l ca -d 'Your CA\'s folder: the CAs it records as registered with this backend are deactivated and deleted [default: ~/.local/share/soilctl/ca]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -s y -l yes -d 'Go ahead without asking (needed when stdin is not a terminal)'
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l dry-run -d 'Print the plan and change nothing'
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand teardown" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l devices-dir -d 'Directory of device files, where the thing\'s certificate and key may be' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -f -a "get" -d 'Print a shadow: desired, reported and delta state, version and last update'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -f -a "update" -d 'Merge desired and/or reported state into a shadow'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -f -a "delete" -d 'Delete a shadow'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and not __fish_seen_subcommand_from get update delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -l name -d 'A named shadow instead of the thing\'s classic (unnamed) shadow' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l name -d 'A named shadow instead of the thing\'s classic (unnamed) shadow' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l desired -d 'Desired state to merge, a JSON object (or null to remove it all)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l reported -d 'Reported state to merge, a JSON object (or null to remove it all)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l version -d 'Apply the update only if the shadow is at this version' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l client-token -d 'Token echoed in the answers (at most 64 bytes)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -l name -d 'A named shadow instead of the thing\'s classic (unnamed) shadow' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print a shadow: desired, reported and delta state, version and last update'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from help" -f -a "update" -d 'Merge desired and/or reported state into a shadow'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a shadow'
complete -c soilctl -n "__fish_soilctl_using_subcommand shadow; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -f -a "create" -d 'Create a CA key pair and certificate in a directory on this machine (no network)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -f -a "register" -d 'Register the CA, active and with auto-registration on (JITR), proving its key'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -f -a "list" -d 'List the registered CA certificates'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -f -a "delete" -d 'Deactivate and delete a registered CA certificate'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and not __fish_seen_subcommand_from create register list delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -l out -d 'Directory for the new CA [default: ~/.local/share/soilctl/ca]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -l ca -d 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from register" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -l ca -d 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l ca -d 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l force -d 'Also deactivate, detach and delete the certificates the CA issued that are registered'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a CA key pair and certificate in a directory on this machine (no network)'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "register" -d 'Register the CA, active and with auto-registration on (JITR), proving its key'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the registered CA certificates'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Deactivate and delete a registered CA certificate'
complete -c soilctl -n "__fish_soilctl_using_subcommand ca; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -f -a "create" -d 'Make a claim certificate for a key made here (CSR), attached to the stack\'s claim policy: it may do nothing but ask for a device\'s own identity'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -f -a "list" -d 'The stack\'s claim certificates, and how many serial numbers may be provisioned'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -f -a "revoke" -d 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -f -a "allow" -d 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and not __fish_seen_subcommand_from create list revoke allow help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l name -d 'The batch this claim certificate is for (the factory run that flashes it)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l devices-dir -d 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l devices-dir -d 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l devices-dir -d 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from revoke" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l from -d 'Read more serial numbers from this file, one a line (`-`: standard input)' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from allow" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make a claim certificate for a key made here (CSR), attached to the stack\'s claim policy: it may do nothing but ask for a device\'s own identity'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from help" -f -a "list" -d 'The stack\'s claim certificates, and how many serial numbers may be provisioned'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from help" -f -a "allow" -d 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)'
complete -c soilctl -n "__fish_soilctl_using_subcommand claim; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -f -a "create" -d 'Make a thing group of the stack: an owner\'s garden, a site'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -f -a "list" -d 'The stack\'s thing groups, with how many things each holds'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -f -a "show" -d 'One group: its description and its things, with which of them it owns'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -f -a "delete" -d 'Delete a group; the devices it owns are unpaired (the things themselves stay)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -f -a "add" -d 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -f -a "remove" -d 'Take things out of a group'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and not __fish_seen_subcommand_from create list show delete add remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l description -d 'What the group is, such as "Ana\'s allotment"' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make a thing group of the stack: an owner\'s garden, a site'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'The stack\'s thing groups, with how many things each holds'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "show" -d 'One group: its description and its things, with which of them it owns'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a group; the devices it owns are unpaired (the things themselves stay)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "add" -d 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Take things out of a group'
complete -c soilctl -n "__fish_soilctl_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l group -d 'The owner\'s group (see `soilctl group create`)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand pair" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand unpair" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -f -a "issue" -d 'Make a device key and a certificate signed by your CA, with the thing name as CN'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and not __fish_seen_subcommand_from issue help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l ca -d 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l out -d 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l key-algorithm -d 'Key algorithm for the device key pair' -r -f -a "ecdsa-p256\t'ECDSA with the NIST P-256 curve'
ecdsa-p384\t'ECDSA with the NIST P-384 curve'
rsa2048\t'RSA, 2048 bits'"
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l days -d 'Validity of the device certificate, in days' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from issue" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from help" -f -a "issue" -d 'Make a device key and a certificate signed by your CA, with the thing name as CN'
complete -c soilctl -n "__fish_soilctl_using_subcommand device-cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -f -a "create" -d 'Make the stack\'s code-signing key (ECDSA P-256, kept here, 0600) and its certificate'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and not __fish_seen_subcommand_from create help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l signing-dir -d 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l force -d 'Replace an existing key (images signed with the old one no longer verify on devices given the new certificate)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make the stack\'s code-signing key (ECDSA P-256, kept here, 0600) and its certificate'
complete -c soilctl -n "__fish_soilctl_using_subcommand signing-key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -f -a "publish" -d 'Put a firmware image into the stack\'s firmware bucket, signed with the stack\'s key'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -f -a "list" -d 'List the published firmware versions'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and not __fish_seen_subcommand_from publish list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l version -d 'Its version, such as 1.4.0 (published once)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l signing-dir -d 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from publish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from help" -f -a "publish" -d 'Put a firmware image into the stack\'s firmware bucket, signed with the stack\'s key'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the published firmware versions'
complete -c soilctl -n "__fish_soilctl_using_subcommand firmware; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -f -a "create" -d 'Roll a firmware version out to the stack\'s things as an AWS IoT job'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -f -a "list" -d 'List the stack\'s jobs'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -f -a "show" -d 'Show one job and its executions'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -f -a "watch" -d 'Follow a job\'s executions live until it completes'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -f -a "cancel" -d 'Cancel a job: queued executions are canceled (with --force, those in progress too)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -f -a "delete" -d 'Delete a job and its executions (--force for one still in progress)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and not __fish_seen_subcommand_from create list show watch cancel delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l firmware -d 'The firmware version to install (see `firmware publish`)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l thing -d 'A thing to update (repeat for more)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l group -d 'Every thing in this thing group of the stack (see `soilctl group`)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l job-id -d 'The job\'s id [default: firmware-<version>-<time>]' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l rollout-rate -d 'At most this many devices notified a minute (1 to 1000) [default: AWS\'s 1000]' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l rollout-factor -d 'An exponential rollout: --rollout-rate is the starting rate, multiplied by this factor (1.1 to 5, one decimal) each time --rollout-every more devices were notified' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l rollout-every -d 'With --rollout-factor: how many more devices notified raise the rate' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l abort-after -d 'Cancel the job once this share of the finished executions failed, such as 20%' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l min-executed -d 'How many executions must have finished before --abort-after applies' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l timeout -d 'An execution still in progress this long after it started times out (1m to 7d)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l url-expiry -d 'How long a device\'s download URL is valid (1m to 1h)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l all -d 'Every thing of the stack'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l continuous -d 'With --group: also every thing that joins the group later (paired or added), for as long as the job runs (a continuous job)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l timeout -d 'Give up after this long' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l interval -d 'Time between two looks at the job' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from watch" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l force -d 'Also executions in progress (the device may be mid-install)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l force -d 'Also executions in progress (the device may be mid-install)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "create" -d 'Roll a firmware version out to the stack\'s things as an AWS IoT job'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the stack\'s jobs'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one job and its executions'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "watch" -d 'Follow a job\'s executions live until it completes'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel a job: queued executions are canceled (with --force, those in progress too)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a job and its executions (--force for one still in progress)'
complete -c soilctl -n "__fish_soilctl_using_subcommand job; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -f -a "send" -d 'Send a file that only one device can read: encrypted to its certificate\'s key, delivered by a job'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and not __fish_seen_subcommand_from send help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l stack-name -d 'Name of the CloudFormation stack' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l url-expiry -d 'How long the device\'s download URL is valid (1m to 1h)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l profile -d 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l region -d 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile\'s region)' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l endpoint-url -d 'Send every AWS API call to this endpoint instead of AWS\'s' -r
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l output -d 'How to print results on stdout' -r -f -a "text\t'Readable text'
json\t'One JSON document on stdout'"
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l state-dir -d 'State directory of the local backend [default: ~/.local/state/soilctl/local]' -r -F
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print less on stderr (twice: only errors)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -s v -l verbose -d 'Print more on stderr (each AWS call with -vv)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -l local -d 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`\'s, else one served in this process)'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from send" -s V -l version -d 'Print version'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from help" -f -a "send" -d 'Send a file that only one device can read: encrypted to its certificate\'s key, delivered by a job'
complete -c soilctl -n "__fish_soilctl_using_subcommand file; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "deploy" -d 'Create or update the backend stack through a change set, with live progress'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "thing" -d 'Per-device identities: things, certificates and keys made on this machine'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "status" -d 'The stack, its outputs, the devices and their certificates, and the archive'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "rules" -d 'Evaluate topic rules offline (IoT SQL), with no AWS account and no backend'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "local" -d 'Run the embedded local backend (MQTT broker, rules, bucket, alerts) on this machine'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "simulate" -d 'A fleet of simulated soil sensors, each with its own identity and connection'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "tail" -d 'Live telemetry, like the AWS console\'s MQTT test client (or a live chart)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "demo" -d 'The whole story offline in one command: backend, stack, devices, telemetry, alerts, teardown'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "teardown" -d 'Remove everything the stack and soilctl created, and check that nothing is left'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "doctor" -d 'Why a device cannot connect or publish: a checklist of its certificate and policies'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "shadow" -d 'Device shadows: read, update or delete a thing\'s classic or named shadow'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "ca" -d 'Your own CA, for devices that register themselves on first connection (JITR)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "claim" -d 'Fleet provisioning by claim: claim certificates, and the serial numbers allowed'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "group" -d 'Thing groups: owners\' gardens and sites, and the devices in them'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "pair" -d 'Pair a device with its owner\'s group by the code the device shows'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "unpair" -d 'Undo a pairing: the device leaves its owner\'s group and may be paired again'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "device-cert" -d 'Device certificates signed by your own CA, registered by the backend on first connection'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "signing-key" -d 'The stack\'s code-signing key, which signs firmware images'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "firmware" -d 'Firmware images: publish (signed, into the stack\'s firmware bucket) and list'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "job" -d 'AWS IoT Jobs: firmware rollouts to devices, followed live'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "file" -d 'Files for one device only, encrypted to its certificate\'s key and delivered by a job'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and not __fish_seen_subcommand_from deploy thing status rules local simulate tail demo teardown doctor shadow ca claim group pair unpair device-cert signing-key firmware job file help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from thing" -f -a "create" -d 'Create things, each with a key made here, a certificate from AWS IoT and the device policy'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from thing" -f -a "list" -d 'List the things this stack manages'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from thing" -f -a "show" -d 'Show one thing, its certificates and their policies'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from thing" -f -a "delete" -d 'Delete things with their certificates (detached, deactivated, deleted)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from rules" -f -a "test" -d 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "up" -d 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from local" -f -a "env" -d 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from shadow" -f -a "get" -d 'Print a shadow: desired, reported and delta state, version and last update'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from shadow" -f -a "update" -d 'Merge desired and/or reported state into a shadow'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from shadow" -f -a "delete" -d 'Delete a shadow'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "create" -d 'Create a CA key pair and certificate in a directory on this machine (no network)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "register" -d 'Register the CA, active and with auto-registration on (JITR), proving its key'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "list" -d 'List the registered CA certificates'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from ca" -f -a "delete" -d 'Deactivate and delete a registered CA certificate'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from claim" -f -a "create" -d 'Make a claim certificate for a key made here (CSR), attached to the stack\'s claim policy: it may do nothing but ask for a device\'s own identity'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from claim" -f -a "list" -d 'The stack\'s claim certificates, and how many serial numbers may be provisioned'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from claim" -f -a "revoke" -d 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from claim" -f -a "allow" -d 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "create" -d 'Make a thing group of the stack: an owner\'s garden, a site'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'The stack\'s thing groups, with how many things each holds'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "show" -d 'One group: its description and its things, with which of them it owns'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "delete" -d 'Delete a group; the devices it owns are unpaired (the things themselves stay)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "add" -d 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "remove" -d 'Take things out of a group'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from device-cert" -f -a "issue" -d 'Make a device key and a certificate signed by your CA, with the thing name as CN'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from signing-key" -f -a "create" -d 'Make the stack\'s code-signing key (ECDSA P-256, kept here, 0600) and its certificate'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from firmware" -f -a "publish" -d 'Put a firmware image into the stack\'s firmware bucket, signed with the stack\'s key'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from firmware" -f -a "list" -d 'List the published firmware versions'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "create" -d 'Roll a firmware version out to the stack\'s things as an AWS IoT job'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "list" -d 'List the stack\'s jobs'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "show" -d 'Show one job and its executions'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "watch" -d 'Follow a job\'s executions live until it completes'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "cancel" -d 'Cancel a job: queued executions are canceled (with --force, those in progress too)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from job" -f -a "delete" -d 'Delete a job and its executions (--force for one still in progress)'
complete -c soilctl -n "__fish_soilctl_using_subcommand help; and __fish_seen_subcommand_from file" -f -a "send" -d 'Send a file that only one device can read: encrypted to its certificate\'s key, delivered by a job'
