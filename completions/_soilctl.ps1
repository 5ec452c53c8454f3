
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Create or update the backend stack through a change set, with live progress')
            [CompletionResult]::new('thing', 'thing', [CompletionResultType]::ParameterValue, 'Per-device identities: things, certificates and keys made on this machine')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The stack, its outputs, the devices and their certificates, and the archive')
            [CompletionResult]::new('teardown', 'teardown', [CompletionResultType]::ParameterValue, 'Remove everything the stack and soilctl created, and check that nothing is left')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'soilctl;deploy' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Address that receives humidity alerts (required for a new stack)')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Alert on readings with humidity below this percentage (0 to 100)')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'CloudFormation template to deploy instead of the built-in one')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply an update without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply an update without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start the deployment and return without following it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;thing;list' {
            [CompletionResult]::new('--stack-name', '--stack-name', [CompletionResultType]::ParameterName, 'Name of the CloudFormation stack')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
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
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Named profile from the AWS config and credentials files (default: AWS_PROFILE)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region, such as eu-west-1 (default: AWS_REGION, then the profile''s region)')
            [CompletionResult]::new('--endpoint-url', '--endpoint-url', [CompletionResultType]::ParameterName, 'Send every AWS API call to this endpoint instead of AWS''s')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'How to print results on stdout')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Go ahead without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Go ahead without asking (needed when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less on stderr (twice: only errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more on stderr (each AWS call with -vv)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'soilctl;help' {
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Create or update the backend stack through a change set, with live progress')
            [CompletionResult]::new('thing', 'thing', [CompletionResultType]::ParameterValue, 'Per-device identities: things, certificates and keys made on this machine')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'The stack, its outputs, the devices and their certificates, and the archive')
            [CompletionResult]::new('teardown', 'teardown', [CompletionResultType]::ParameterValue, 'Remove everything the stack and soilctl created, and check that nothing is left')
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
        'soilctl;help;teardown' {
            break
        }
        'soilctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
