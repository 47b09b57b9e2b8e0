//! What an analyzer extracts from text. The analyzer only fills these variables; the score
//! is computed from them by [`crate::score`], so no text can talk its way to a better score.

use serde::{Deserialize, Serialize};

/// Per-task outcome of an end-of-day report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Finished, shipped, merged, sent.
    Done,
    /// Worked on, not finished.
    Progress,
    /// Could not go on because of an obstacle.
    Blocked,
    /// Not mentioned, not worked on, or postponed.
    None,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] = [Self::Done, Self::Progress, Self::Blocked, Self::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Progress => "progress",
            Self::Blocked => "blocked",
            Self::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Whether the standup mentioned one assigned task, with the words that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskMention {
    pub task: String,
    pub mentioned: bool,
    /// The span of the standup that refers to the task, when mentioned.
    pub evidence: Option<String>,
}

/// The standup check: one entry per assigned task, in the order the tasks were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StandupCheck {
    pub tasks: Vec<TaskMention>,
}

impl StandupCheck {
    /// Titles of the tasks the note did not mention (what the kiosk tells the employee).
    pub fn missed(&self) -> impl Iterator<Item = &str> {
        self.tasks
            .iter()
            .filter(|t| !t.mentioned)
            .map(|t| t.task.as_str())
    }
}

/// One task's outcome in a report, with evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskOutcome {
    pub task: String,
    pub status: TaskStatus,
    pub evidence: Option<String>,
}

/// Variables extracted from an end-of-day report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportExtraction {
    /// One per assigned task, in the order the tasks were given.
    pub tasks: Vec<TaskOutcome>,
    /// Short phrases naming what got in the way.
    pub blockers: Vec<String>,
    /// Work done that is not an assigned task.
    pub unplanned: Vec<String>,
}
