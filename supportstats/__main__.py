from supportstats.cli import main

main()
