//! The command line of thing groups and of pairing devices with their owners, as clap types.

use clap::{Args, Subcommand};

use super::{EXIT_CODES, StackArg};

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Make a thing group of the stack: an owner's garden, a site.
    #[command(after_help = EXIT_CODES)]
    Create(GroupCreateArgs),
    /// The stack's thing groups, with how many things each holds.
    #[command(after_help = EXIT_CODES)]
    List(GroupListArgs),
    /// One group: its description and its things, with which of them it owns.
    #[command(after_help = EXIT_CODES)]
    Show(GroupNameArgs),
    /// Delete a group; the devices it owns are unpaired (the things themselves stay).
    #[command(after_help = EXIT_CODES)]
    Delete(GroupNameArgs),
    /// Put things of the stack in a group (they are not paired with it: see `soilctl pair`).
    #[command(after_help = EXIT_CODES)]
    Add(GroupThingsArgs),
    /// Take things out of a group.
    #[command(after_help = EXIT_CODES)]
    Remove(GroupThingsArgs),
}

#[derive(Debug, Args)]
pub struct GroupCreateArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The group's name (1 to 128 of A-Z a-z 0-9 : _ -).
    #[arg(value_name = "GROUP")]
    pub name: String,

    /// What the group is, such as "Ana's allotment".
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct GroupListArgs {
    #[command(flatten)]
    pub stack: StackArg,
}

#[derive(Debug, Args)]
pub struct GroupNameArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The group's name.
    #[arg(value_name = "GROUP")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct GroupThingsArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The group's name.
    #[arg(value_name = "GROUP")]
    pub name: String,

    /// Things of the stack.
    #[arg(value_name = "THING", required = true)]
    pub things: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PairArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The code the device shows, such as 7KQF-2M9D (case, spaces and dashes do not matter).
    #[arg(value_name = "CODE")]
    pub code: String,

    /// The owner's group (see `soilctl group create`).
    #[arg(long, value_name = "GROUP")]
    pub group: String,
}

#[derive(Debug, Args)]
pub struct UnpairArgs {
    #[command(flatten)]
    pub stack: StackArg,

    /// The paired thing.
    #[arg(value_name = "THING")]
    pub thing: String,
}
