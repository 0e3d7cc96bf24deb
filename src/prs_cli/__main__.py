from prs_cli.cli.app import main

main()
