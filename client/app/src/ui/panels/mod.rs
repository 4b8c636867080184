//! One panel per file, each a `show` function over the state it draws and a list of
//! [`super::Act`]s it pushes (the `View` shape of egui's demo library).

pub mod buffer;
pub mod connect;
pub mod dialogs;
pub mod editor;
pub mod import;
pub mod input;
pub mod manager;
pub mod menu;
pub mod nicklist;
pub mod options;
pub mod permission;
pub mod popup;
pub mod prompt;
pub mod status;
pub mod topic;
pub mod tree;
