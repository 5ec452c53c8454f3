
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'soilctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'soilctl'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'soilctl' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Create or update the backend stack through a change set, with live progress')
            [CompletionResult]::new('thing', 'thing', [CompletionResultType]::ParameterValue, 'Per-device identities: things, certificates and keys made on this machine')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The stack, its outputs, the devices and their certificates, and the archive')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Evaluate topic rules offline (IoT SQL), with no AWS account and no backend')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run the embedded local backend (MQTT broker, rules, bucket, alerts) on this machine')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'A fleet of simulated soil sensors, each with its own identity and connection')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Live telemetry, like the AWS console''s MQTT test client (or a live chart)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole story offline in one command: backend, stack, devices, telemetry, alerts, teardown')
            [CompletionResult]::new('teardown', 'teardown', [CompletionResultType]::ParameterValue, 'Remove everything the stack and soilctl created, and check that nothing is left')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Why a device cannot connect or publish: a checklist of its certificate and policies')
            [CompletionResult]::new('shadow', 'shadow', [CompletionResultType]::ParameterValue, 'Device shadows: read, update or delete a thing''s classic or named shadow')
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Your own CA, for devices that register themselves on first connection (JITR)')
            [CompletionResult]::new('claim', 'claim', [CompletionResultType]::ParameterValue, 'Fleet provisioning by claim: claim certificates, and the serial numbers allowed')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Thing groups: owners'' gardens and sites, and the devices in them')
            [CompletionResult]::new('pair', 'pair', [CompletionResultType]::ParameterValue, 'Pair a device with its owner''s group by the code the device shows')
            [CompletionResult]::new('unpair', 'unpair', [CompletionResultType]::ParameterValue, 'Undo a pairing: the device leaves its owner''s group and may be paired again')
            [CompletionResult]::new('device-cert', 'device-cert', [CompletionResultType]::ParameterValue, 'Device certificates signed by your own CA, registered by the backend on first connection')
            [CompletionResult]::new('signing-key', 'signing-key', [CompletionResultType]::ParameterValue, 'The stack''s code-signing key, which signs firmware images')
            [CompletionResult]::new('firmware', 'firmware', [CompletionResultType]::ParameterValue, 'Firmware images: publish (signed, into the stack''s firmware bucket) and list')
            [CompletionResult]::new('job', 'job', [CompletionResultType]::ParameterValue, 'AWS IoT Jobs: firmware rollouts to devices, followed live')
            [CompletionResult]::new('file', 'file', [CompletionResultType]::ParameterValue, 'Files for one device only, encrypted to its certificate''s key and delivered by a job')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;deploy' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Address that receives humidity alerts (required for a new stack)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Alert on readings with humidity below this percentage (0 to 100)')
            [CompletionResult]::new('--jitr', '--jitr', [CompletionResultType]::ParameterName, 'Just-in-time registration: a device whose certificate comes from your registered CA becomes a thing on its first connection (`--jitr=false` switches it off again)')
            [CompletionResult]::new('--fleet-provisioning', '--fleet-provisioning', [CompletionResultType]::ParameterName, 'Fleet provisioning by claim: devices that hold only a claim certificate (`claim create`) get their own certificate and thing on first connection, if their serial number was allowed (`claim allow`); `--fleet-provisioning=false` switches it off again')
            [CompletionResult]::new('--pairing-code-lifetime', '--pairing-code-lifetime', [CompletionResultType]::ParameterName, 'How long a device''s pairing code lasts once it asked for one (1s to 24h, whole seconds) [default: the stack''s, at first 10m]')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'CloudFormation template to deploy instead of the built-in one')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply an update without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply an update without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the deployment and return without following it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;thing' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create things, each with a key made here, a certificate from AWS IoT and the device policy')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the things this stack manages')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one thing, its certificates and their policies')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete things with their certificates (detached, deactivated, deleted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;thing;create' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Create this many things, named <prefix>1 ... <prefix>N')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Name prefix used with --count')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]')
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]')
            [CompletionResult]::new('--key-algorithm', '--key-algorithm', [CompletionResultType]::ParameterName, 'Key algorithm for the device key pair')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Highest rate of calls per AWS IoT API, per second (AWS''s default quotas allow 10 or more)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many things are created at the same time')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;thing;list' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--attribute', '--attribute', [CompletionResultType]::ParameterName, 'Only things whose attribute KEY is VALUE; repeat to require several')
            [CompletionResult]::new('--thing-type', '--thing-type', [CompletionResultType]::ParameterName, 'Only things of this thing type')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Only things in this thing group (an owner''s garden, a site: see `soilctl group`)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--connected', '--connected', [CompletionResultType]::ParameterName, 'Only things connected now (on AWS this needs fleet indexing with connectivity)')
            [CompletionResult]::new('--disconnected', '--disconnected', [CompletionResultType]::ParameterName, 'Only things not connected now (on AWS this needs fleet indexing with connectivity)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;thing;show' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;thing;delete' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files; the deleted things'' files are removed from it')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Highest rate of calls per AWS IoT API, per second')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;thing;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create things, each with a key made here, a certificate from AWS IoT and the device policy')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the things this stack manages')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one thing, its certificates and their policies')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete things with their certificates (detached, deactivated, deleted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;thing;help;create' {
            break
        }
        'soilctl;thing;help;list' {
            break
        }
        'soilctl;thing;help;show' {
            break
        }
        'soilctl;thing;help;delete' {
            break
        }
        'soilctl;thing;help;help' {
            break
        }
        'soilctl;status' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;rules' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;rules;test' {
            [CompletionResult]::new('--sql', '--sql', [CompletionResultType]::ParameterName, 'The IoT SQL statement to evaluate')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'Evaluate every AWS::IoT::TopicRule of this CloudFormation template')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic the message was published on')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'The message: JSON text, or @FILE to read its bytes from a file')
            [CompletionResult]::new('--sql-version', '--sql-version', [CompletionResultType]::ParameterName, 'SQL version for --sql: 2016-03-23 (the default, as the AWS console proposes) or 2015-10-08')
            [CompletionResult]::new('--client-id', '--client-id', [CompletionResultType]::ParameterName, 'Client id of the publisher, for clientid()')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Principal of the publisher, for principal()')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Arrival time in milliseconds since the epoch, for timestamp() (default: now)')
            [CompletionResult]::new('--substitute', '--substitute', [CompletionResultType]::ParameterName, 'A substitution template to render against the message, such as ''${topic(2)}''')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'A template parameter, NAME=VALUE (with --template)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;rules;help' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;rules;help;test' {
            break
        }
        'soilctl;rules;help;help' {
            break
        }
        'soilctl;local' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;local;up' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'TCP port of the MQTT broker (mutual TLS) on 127.0.0.1')
            [CompletionResult]::new('--api-port', '--api-port', [CompletionResultType]::ParameterName, 'TCP port of the AWS API endpoint (HTTP) on 127.0.0.1, for the AWS CLI, boto3 and the SDKs (`soilctl local env`); 0 picks a free port')
            [CompletionResult]::new('--https-port', '--https-port', [CompletionResultType]::ParameterName, 'TCP port on 127.0.0.1 where devices publish over HTTPS with their certificates (AWS IoT Core''s port 8443); 0 picks a free port (`soilctl local env` says which)')
            [CompletionResult]::new('--session-expiry', '--session-expiry', [CompletionResultType]::ParameterName, 'How long a persistent session outlives its connection, as AWS IoT Core''s account setting (1 second to 7 days; MQTT 5 clients may ask for less)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;local;env' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;local;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;local;help;up' {
            break
        }
        'soilctl;local;help;env' {
            break
        }
        'soilctl;local;help;help' {
            break
        }
        'soilctl;simulate' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--devices', '--devices', [CompletionResultType]::ParameterName, 'How many devices to simulate')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Device names are <PREFIX>1 ... <PREFIX>N')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two readings of one device')
            [CompletionResult]::new('--sleep', '--sleep', [CompletionResultType]::ParameterName, 'Battery-powered devices that sleep this long, disconnected, between readings: each wake connects on a persistent session, publishes one reading, takes what the broker queued while it slept (a shadow delta) and disconnects. The shadow''s reportInterval changes the sleep. AWS IoT keeps a persistent session 1 hour by default: a longer sleep finds it gone')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long [default: 10m unless --count is given]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after each device has published this many readings')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'MQTT quality of service of the readings: 0 or 1')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Humidity the model dips under now and then (the stack''s alert threshold)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the humidity model: the same seed gives the same readings')
            [CompletionResult]::new('--ramp', '--ramp', [CompletionResultType]::ParameterName, 'New connections per second while the fleet ramps up')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]')
            [CompletionResult]::new('--key-algorithm', '--key-algorithm', [CompletionResultType]::ParameterName, 'Key algorithm for devices that have to be created')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Highest rate of calls per AWS IoT API, per second, when creating devices')
            [CompletionResult]::new('--onboard', '--onboard', [CompletionResultType]::ParameterName, 'Devices that have no identity yet join as a factory-fresh device does: by claim, each with the claim certificate of --claim, asking for its own certificate (a key it makes, CreateCertificateFromCsr) and registering its serial number (its device name) with the stack''s provisioning template. The serial numbers must be allowed (`claim allow`)')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'The claim certificate --onboard claim uses (`claim create --name`)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA that issues the --jitr devices'' certificates [default: ~/.local/share/soilctl/ca]')
            [CompletionResult]::new('--tamper-rate', '--tamper-rate', [CompletionResultType]::ParameterName, 'Corrupt this share of the devices'' job downloads (such as 10%), so that failed executions and a job''s abort criteria can be seen')
            [CompletionResult]::new('--signing-dir', '--signing-dir', [CompletionResultType]::ParameterName, 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'How the devices send their readings: MQTT (with shadows and jobs), or HTTPS POSTs with their own certificates at QoS 1 (port 8443 of the iot:Data-ATS endpoint on AWS, the running `local up`''s HTTPS port locally), without shadows or jobs')
            [CompletionResult]::new('--mqtt-endpoint', '--mqtt-endpoint', [CompletionResultType]::ParameterName, 'Connect to this MQTT endpoint (HOST:PORT) instead of the account''s iot:Data-ATS endpoint or the running `local up` (a custom domain, a test broker)')
            [CompletionResult]::new('--mqtt-ca', '--mqtt-ca', [CompletionResultType]::ParameterName, 'Trust this CA file for the MQTT server''s certificate (with --mqtt-endpoint) [default: Amazon Root CA 1 on AWS, the backend''s CA locally]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--jitr', '--jitr', [CompletionResultType]::ParameterName, 'Devices with certificates from your own CA (`soilctl ca create` and `ca register`) that AWS IoT does not know yet: each device''s first connection registers its certificate (just-in-time registration), the stack''s JITR function activates it, and a retry gets in')
            [CompletionResult]::new('--service-keys', '--service-keys', [CompletionResultType]::ParameterName, 'With --onboard claim: CreateKeysAndCertificate (AWS IoT makes each device''s key and sends it) instead of a CSR for a key the device makes')
            [CompletionResult]::new('--pair', '--pair', [CompletionResultType]::ParameterName, 'Each device asks for a pairing code once connected and shows it (pair it with `soilctl pair CODE --group G`); the codes are in the summary')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;tail' {
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many messages')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop after this long')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Readings with a humidity under this are highlighted (and drawn as the chart''s line)')
            [CompletionResult]::new('--mqtt-endpoint', '--mqtt-endpoint', [CompletionResultType]::ParameterName, 'Connect to this MQTT endpoint (HOST:PORT) instead of the account''s iot:Data-ATS endpoint or the running `local up` (a custom domain, a test broker)')
            [CompletionResult]::new('--mqtt-ca', '--mqtt-ca', [CompletionResultType]::ParameterName, 'Trust this CA file for the MQTT server''s certificate (with --mqtt-endpoint) [default: Amazon Root CA 1 on AWS, the backend''s CA locally]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Print JSON payloads indented over several lines')
            [CompletionResult]::new('--chart', '--chart', [CompletionResultType]::ParameterName, 'A live chart of each device''s humidity in the terminal instead of lines (q quits)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;demo' {
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'How long the devices publish')
            [CompletionResult]::new('--devices', '--devices', [CompletionResultType]::ParameterName, 'How many devices')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two readings of one device')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Alert threshold of the demo stack')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed of the humidity model')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;teardown' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files; the deleted things'' files are removed from it')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Highest rate of calls per AWS IoT API, per second')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Your CA''s folder: the CAs it records as registered with this backend are deactivated and deleted [default: ~/.local/share/soilctl/ca]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Go ahead without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Go ahead without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;doctor' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files, where the thing''s certificate and key may be')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;shadow' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a shadow: desired, reported and delta state, version and last update')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Merge desired and/or reported state into a shadow')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a shadow')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;shadow;get' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A named shadow instead of the thing''s classic (unnamed) shadow')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;shadow;update' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A named shadow instead of the thing''s classic (unnamed) shadow')
            [CompletionResult]::new('--desired', '--desired', [CompletionResultType]::ParameterName, 'Desired state to merge, a JSON object (or null to remove it all)')
            [CompletionResult]::new('--reported', '--reported', [CompletionResultType]::ParameterName, 'Reported state to merge, a JSON object (or null to remove it all)')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Apply the update only if the shadow is at this version')
            [CompletionResult]::new('--client-token', '--client-token', [CompletionResultType]::ParameterName, 'Token echoed in the answers (at most 64 bytes)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'soilctl;shadow;delete' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A named shadow instead of the thing''s classic (unnamed) shadow')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;shadow;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a shadow: desired, reported and delta state, version and last update')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Merge desired and/or reported state into a shadow')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a shadow')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;shadow;help;get' {
            break
        }
        'soilctl;shadow;help;update' {
            break
        }
        'soilctl;shadow;help;delete' {
            break
        }
        'soilctl;shadow;help;help' {
            break
        }
        'soilctl;ca' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a CA key pair and certificate in a directory on this machine (no network)')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register the CA, active and with auto-registration on (JITR), proving its key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registered CA certificates')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Deactivate and delete a registered CA certificate')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;ca;create' {
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory for the new CA [default: ~/.local/share/soilctl/ca]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;ca;register' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;ca;list' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;ca;delete' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also deactivate, detach and delete the certificates the CA issued that are registered')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;ca;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a CA key pair and certificate in a directory on this machine (no network)')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register the CA, active and with auto-registration on (JITR), proving its key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registered CA certificates')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Deactivate and delete a registered CA certificate')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;ca;help;create' {
            break
        }
        'soilctl;ca;help;register' {
            break
        }
        'soilctl;ca;help;list' {
            break
        }
        'soilctl;ca;help;delete' {
            break
        }
        'soilctl;ca;help;help' {
            break
        }
        'soilctl;claim' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a claim certificate for a key made here (CSR), attached to the stack''s claim policy: it may do nothing but ask for a device''s own identity')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The stack''s claim certificates, and how many serial numbers may be provisioned')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;claim;create' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The batch this claim certificate is for (the factory run that flashes it)')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;claim;list' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;claim;revoke' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--devices-dir', '--devices-dir', [CompletionResultType]::ParameterName, 'Directory of device files; claim certificates go under <DIR>/claims/<NAME>/ [default: ~/.local/share/soilctl/devices]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;claim;allow' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read more serial numbers from this file, one a line (`-`: standard input)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;claim;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a claim certificate for a key made here (CSR), attached to the stack''s claim policy: it may do nothing but ask for a device''s own identity')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The stack''s claim certificates, and how many serial numbers may be provisioned')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;claim;help;create' {
            break
        }
        'soilctl;claim;help;list' {
            break
        }
        'soilctl;claim;help;revoke' {
            break
        }
        'soilctl;claim;help;allow' {
            break
        }
        'soilctl;claim;help;help' {
            break
        }
        'soilctl;group' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a thing group of the stack: an owner''s garden, a site')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The stack''s thing groups, with how many things each holds')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One group: its description and its things, with which of them it owns')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group; the devices it owns are unpaired (the things themselves stay)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take things out of a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;group;create' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'What the group is, such as "Ana''s allotment"')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;group;list' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;group;show' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;group;delete' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;group;add' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;group;remove' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;group;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a thing group of the stack: an owner''s garden, a site')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The stack''s thing groups, with how many things each holds')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One group: its description and its things, with which of them it owns')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group; the devices it owns are unpaired (the things themselves stay)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take things out of a group')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;group;help;create' {
            break
        }
        'soilctl;group;help;list' {
            break
        }
        'soilctl;group;help;show' {
            break
        }
        'soilctl;group;help;delete' {
            break
        }
        'soilctl;group;help;add' {
            break
        }
        'soilctl;group;help;remove' {
            break
        }
        'soilctl;group;help;help' {
            break
        }
        'soilctl;pair' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The owner''s group (see `soilctl group create`)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;unpair' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;device-cert' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Make a device key and a certificate signed by your CA, with the thing name as CN')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;device-cert;issue' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Directory of the CA (ca.pem, ca.key, registered.json) [default: ~/.local/share/soilctl/ca]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Directory of device files, one <DIR>/<thing>/ each [default: ~/.local/share/soilctl/devices]')
            [CompletionResult]::new('--key-algorithm', '--key-algorithm', [CompletionResultType]::ParameterName, 'Key algorithm for the device key pair')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity of the device certificate, in days')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;device-cert;help' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Make a device key and a certificate signed by your CA, with the thing name as CN')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;device-cert;help;issue' {
            break
        }
        'soilctl;device-cert;help;help' {
            break
        }
        'soilctl;signing-key' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make the stack''s code-signing key (ECDSA P-256, kept here, 0600) and its certificate')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;signing-key;create' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--signing-dir', '--signing-dir', [CompletionResultType]::ParameterName, 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing key (images signed with the old one no longer verify on devices given the new certificate)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;signing-key;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make the stack''s code-signing key (ECDSA P-256, kept here, 0600) and its certificate')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;signing-key;help;create' {
            break
        }
        'soilctl;signing-key;help;help' {
            break
        }
        'soilctl;firmware' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Put a firmware image into the stack''s firmware bucket, signed with the stack''s key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the published firmware versions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;firmware;publish' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Its version, such as 1.4.0 (published once)')
            [CompletionResult]::new('--signing-dir', '--signing-dir', [CompletionResultType]::ParameterName, 'Where code-signing keys are kept, one <DIR>/<stack>/ each [default: ~/.local/share/soilctl/signing]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'soilctl;firmware;list' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;firmware;help' {
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Put a firmware image into the stack''s firmware bucket, signed with the stack''s key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the published firmware versions')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;firmware;help;publish' {
            break
        }
        'soilctl;firmware;help;list' {
            break
        }
        'soilctl;firmware;help;help' {
            break
        }
        'soilctl;job' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Roll a firmware version out to the stack''s things as an AWS IoT job')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stack''s jobs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job and its executions')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow a job''s executions live until it completes')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a job: queued executions are canceled (with --force, those in progress too)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a job and its executions (--force for one still in progress)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;job;create' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--firmware', '--firmware', [CompletionResultType]::ParameterName, 'The firmware version to install (see `firmware publish`)')
            [CompletionResult]::new('--thing', '--thing', [CompletionResultType]::ParameterName, 'A thing to update (repeat for more)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Every thing in this thing group of the stack (see `soilctl group`)')
            [CompletionResult]::new('--job-id', '--job-id', [CompletionResultType]::ParameterName, 'The job''s id [default: firmware-<version>-<time>]')
            [CompletionResult]::new('--rollout-rate', '--rollout-rate', [CompletionResultType]::ParameterName, 'At most this many devices notified a minute (1 to 1000) [default: AWS''s 1000]')
            [CompletionResult]::new('--rollout-factor', '--rollout-factor', [CompletionResultType]::ParameterName, 'An exponential rollout: --rollout-rate is the starting rate, multiplied by this factor (1.1 to 5, one decimal) each time --rollout-every more devices were notified')
            [CompletionResult]::new('--rollout-every', '--rollout-every', [CompletionResultType]::ParameterName, 'With --rollout-factor: how many more devices notified raise the rate')
            [CompletionResult]::new('--abort-after', '--abort-after', [CompletionResultType]::ParameterName, 'Cancel the job once this share of the finished executions failed, such as 20%')
            [CompletionResult]::new('--min-executed', '--min-executed', [CompletionResultType]::ParameterName, 'How many executions must have finished before --abort-after applies')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'An execution still in progress this long after it started times out (1m to 7d)')
            [CompletionResult]::new('--url-expiry', '--url-expiry', [CompletionResultType]::ParameterName, 'How long a device''s download URL is valid (1m to 1h)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every thing of the stack')
            [CompletionResult]::new('--continuous', '--continuous', [CompletionResultType]::ParameterName, 'With --group: also every thing that joins the group later (paired or added), for as long as the job runs (a continuous job)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;job;list' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;job;show' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;job;watch' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two looks at the job')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;job;cancel' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also executions in progress (the device may be mid-install)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;job;delete' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Also executions in progress (the device may be mid-install)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;job;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Roll a firmware version out to the stack''s things as an AWS IoT job')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stack''s jobs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job and its executions')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow a job''s executions live until it completes')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a job: queued executions are canceled (with --force, those in progress too)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a job and its executions (--force for one still in progress)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;job;help;create' {
            break
        }
        'soilctl;job;help;list' {
            break
        }
        'soilctl;job;help;show' {
            break
        }
        'soilctl;job;help;watch' {
            break
        }
        'soilctl;job;help;cancel' {
            break
        }
        'soilctl;job;help;delete' {
            break
        }
        'soilctl;job;help;help' {
            break
        }
        'soilctl;file' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a file that only one device can read: encrypted to its certificate''s key, delivered by a job')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;file;send' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--url-expiry', '--url-expiry', [CompletionResultType]::ParameterName, 'How long the device''s download URL is valid (1m to 1h)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('--state-dir', '--state-dir', [CompletionResultType]::ParameterName, 'State directory of the local backend [default: ~/.local/state/soilctl/local]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--local', '--local', [CompletionResultType]::ParameterName, 'Talk to the embedded local backend instead of AWS (no account needed): the same commands against its AWS API endpoint (a running `local up`''s, else one served in this process)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;file;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a file that only one device can read: encrypted to its certificate''s key, delivered by a job')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;file;help;send' {
            break
        }
        'soilctl;file;help;help' {
            break
        }
        'soilctl;help' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Create or update the backend stack through a change set, with live progress')
            [CompletionResult]::new('thing', 'thing', [CompletionResultType]::ParameterValue, 'Per-device identities: things, certificates and keys made on this machine')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The stack, its outputs, the devices and their certificates, and the archive')
            [CompletionResult]::new('rules', 'rules', [CompletionResultType]::ParameterValue, 'Evaluate topic rules offline (IoT SQL), with no AWS account and no backend')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Run the embedded local backend (MQTT broker, rules, bucket, alerts) on this machine')
            [CompletionResult]::new('simulate', 'simulate', [CompletionResultType]::ParameterValue, 'A fleet of simulated soil sensors, each with its own identity and connection')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Live telemetry, like the AWS console''s MQTT test client (or a live chart)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'The whole story offline in one command: backend, stack, devices, telemetry, alerts, teardown')
            [CompletionResult]::new('teardown', 'teardown', [CompletionResultType]::ParameterValue, 'Remove everything the stack and soilctl created, and check that nothing is left')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Why a device cannot connect or publish: a checklist of its certificate and policies')
            [CompletionResult]::new('shadow', 'shadow', [CompletionResultType]::ParameterValue, 'Device shadows: read, update or delete a thing''s classic or named shadow')
            [CompletionResult]::new('ca', 'ca', [CompletionResultType]::ParameterValue, 'Your own CA, for devices that register themselves on first connection (JITR)')
            [CompletionResult]::new('claim', 'claim', [CompletionResultType]::ParameterValue, 'Fleet provisioning by claim: claim certificates, and the serial numbers allowed')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Thing groups: owners'' gardens and sites, and the devices in them')
            [CompletionResult]::new('pair', 'pair', [CompletionResultType]::ParameterValue, 'Pair a device with its owner''s group by the code the device shows')
            [CompletionResult]::new('unpair', 'unpair', [CompletionResultType]::ParameterValue, 'Undo a pairing: the device leaves its owner''s group and may be paired again')
            [CompletionResult]::new('device-cert', 'device-cert', [CompletionResultType]::ParameterValue, 'Device certificates signed by your own CA, registered by the backend on first connection')
            [CompletionResult]::new('signing-key', 'signing-key', [CompletionResultType]::ParameterValue, 'The stack''s code-signing key, which signs firmware images')
            [CompletionResult]::new('firmware', 'firmware', [CompletionResultType]::ParameterValue, 'Firmware images: publish (signed, into the stack''s firmware bucket) and list')
            [CompletionResult]::new('job', 'job', [CompletionResultType]::ParameterValue, 'AWS IoT Jobs: firmware rollouts to devices, followed live')
            [CompletionResult]::new('file', 'file', [CompletionResultType]::ParameterValue, 'Files for one device only, encrypted to its certificate''s key and delivered by a job')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;help;deploy' {
            break
        }
        'soilctl;help;thing' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create things, each with a key made here, a certificate from AWS IoT and the device policy')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the things this stack manages')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one thing, its certificates and their policies')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete things with their certificates (detached, deactivated, deleted)')
            break
        }
        'soilctl;help;thing;create' {
            break
        }
        'soilctl;help;thing;list' {
            break
        }
        'soilctl;help;thing;show' {
            break
        }
        'soilctl;help;thing;delete' {
            break
        }
        'soilctl;help;status' {
            break
        }
        'soilctl;help;rules' {
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Evaluate one IoT SQL statement, or every topic rule of a template, against a message')
            break
        }
        'soilctl;help;rules;test' {
            break
        }
        'soilctl;help;local' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Run the local backend in the foreground until Ctrl-C: broker, rules engine, alerts')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the environment that points the AWS CLI, boto3 and the SDKs at the running `local up`: eval "$(soilctl local env)"')
            break
        }
        'soilctl;help;local;up' {
            break
        }
        'soilctl;help;local;env' {
            break
        }
        'soilctl;help;simulate' {
            break
        }
        'soilctl;help;tail' {
            break
        }
        'soilctl;help;demo' {
            break
        }
        'soilctl;help;teardown' {
            break
        }
        'soilctl;help;doctor' {
            break
        }
        'soilctl;help;shadow' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print a shadow: desired, reported and delta state, version and last update')
            [CompletionResult]::new('update', 'update', [CompletionResultType]::ParameterValue, 'Merge desired and/or reported state into a shadow')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a shadow')
            break
        }
        'soilctl;help;shadow;get' {
            break
        }
        'soilctl;help;shadow;update' {
            break
        }
        'soilctl;help;shadow;delete' {
            break
        }
        'soilctl;help;ca' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a CA key pair and certificate in a directory on this machine (no network)')
            [CompletionResult]::new('register', 'register', [CompletionResultType]::ParameterValue, 'Register the CA, active and with auto-registration on (JITR), proving its key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registered CA certificates')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Deactivate and delete a registered CA certificate')
            break
        }
        'soilctl;help;ca;create' {
            break
        }
        'soilctl;help;ca;register' {
            break
        }
        'soilctl;help;ca;list' {
            break
        }
        'soilctl;help;ca;delete' {
            break
        }
        'soilctl;help;claim' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a claim certificate for a key made here (CSR), attached to the stack''s claim policy: it may do nothing but ask for a device''s own identity')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The stack''s claim certificates, and how many serial numbers may be provisioned')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Deactivate and delete a claim certificate (devices already provisioned keep theirs)')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Allow serial numbers to be provisioned by claim (the pre-provisioning hook refuses any other, and any whose thing has a certificate already)')
            break
        }
        'soilctl;help;claim;create' {
            break
        }
        'soilctl;help;claim;list' {
            break
        }
        'soilctl;help;claim;revoke' {
            break
        }
        'soilctl;help;claim;allow' {
            break
        }
        'soilctl;help;group' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make a thing group of the stack: an owner''s garden, a site')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The stack''s thing groups, with how many things each holds')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One group: its description and its things, with which of them it owns')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group; the devices it owns are unpaired (the things themselves stay)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Put things of the stack in a group (they are not paired with it: see `soilctl pair`)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Take things out of a group')
            break
        }
        'soilctl;help;group;create' {
            break
        }
        'soilctl;help;group;list' {
            break
        }
        'soilctl;help;group;show' {
            break
        }
        'soilctl;help;group;delete' {
            break
        }
        'soilctl;help;group;add' {
            break
        }
        'soilctl;help;group;remove' {
            break
        }
        'soilctl;help;pair' {
            break
        }
        'soilctl;help;unpair' {
            break
        }
        'soilctl;help;device-cert' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Make a device key and a certificate signed by your CA, with the thing name as CN')
            break
        }
        'soilctl;help;device-cert;issue' {
            break
        }
        'soilctl;help;signing-key' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Make the stack''s code-signing key (ECDSA P-256, kept here, 0600) and its certificate')
            break
        }
        'soilctl;help;signing-key;create' {
            break
        }
        'soilctl;help;firmware' {
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Put a firmware image into the stack''s firmware bucket, signed with the stack''s key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the published firmware versions')
            break
        }
        'soilctl;help;firmware;publish' {
            break
        }
        'soilctl;help;firmware;list' {
            break
        }
        'soilctl;help;job' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Roll a firmware version out to the stack''s things as an AWS IoT job')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the stack''s jobs')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job and its executions')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Follow a job''s executions live until it completes')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel a job: queued executions are canceled (with --force, those in progress too)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a job and its executions (--force for one still in progress)')
            break
        }
        'soilctl;help;job;create' {
            break
        }
        'soilctl;help;job;list' {
            break
        }
        'soilctl;help;job;show' {
            break
        }
        'soilctl;help;job;watch' {
            break
        }
        'soilctl;help;job;cancel' {
            break
        }
        'soilctl;help;job;delete' {
            break
        }
        'soilctl;help;file' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a file that only one device can read: encrypted to its certificate''s key, delivered by a job')
            break
        }
        'soilctl;help;file;send' {
            break
        }
        'soilctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
