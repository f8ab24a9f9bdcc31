//! Typed client for the `governance` system contract (genesis index 4, docs/governance.md;
//! messages in `contracts/system/governance/schema/`): the consortium committee's proposals,
//! votes and executions, and every query.
//!
//! The wire types are the contract's own ([`ProposalAction`], [`SystemAction`], the answers).
//! [`Governance::pass`] is the helper flows and tools use to get a decision through: the first
//! member proposes (its yes vote included), the others vote yes one by one until the proposal
//! is executed, and anything else (rejected, failed, still open when everyone voted) is a
//! [`GovernanceError::NotExecuted`] naming the status and the contract's error.

use super::{Executed, SystemHandle};
use crate::client::Client;
use crate::error::SdkError;
use bayledger_types::{SecretKey, SystemContract};
use governance::msg::{CallMsg, QueryMsg};
use serde::de::DeserializeOwned;

pub use governance::action::{ParamsChange, SystemAction};
pub use governance::msg::{MemberMsg, ProposalAction, Status, VoteOption};
pub use governance::record::{HistoryEntry, Member, Outcome, Tally, VoteRecord, Weighted};
pub use governance::response::{
    ConfigResponse as Config, ExecuteResponse, HistoryResponse, ProposalView as Proposal,
    ProposalsResponse, ProposeResponse, VoteResponse, VotesResponse,
};

/// Why [`Governance::pass`] did not get a proposal executed.
#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    /// A request failed (a refused transaction carries the contract's error line).
    #[error(transparent)]
    Sdk(#[from] SdkError),
    /// Every given member voted, and the proposal is not executed.
    #[error("proposal {id} is {status:?}, not executed{}", error.as_deref().map(|e| format!(": {e}")).unwrap_or_default())]
    NotExecuted {
        /// The proposal.
        id: u64,
        /// Its status after the last vote.
        status: Status,
        /// The execution error, if it failed.
        error: Option<String>,
    },
    /// `pass` needs at least one member key.
    #[error("no member key to propose with")]
    NoMembers,
}

/// The governance contract on one node.
#[derive(Debug, Clone)]
pub struct Governance {
    handle: SystemHandle,
}

impl Governance {
    /// The governance contract through `client`.
    pub fn new(client: Client) -> Governance {
        Governance { handle: SystemHandle::new(client, SystemContract::Governance) }
    }

    /// The underlying handle (address, client, `check`).
    pub fn handle(&self) -> &SystemHandle {
        &self.handle
    }

    async fn query<T: DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T, SdkError> {
        self.handle.query(msg).await
    }

    /// Member: opens a proposal (the proposer's yes vote included; on a committee the
    /// proposer alone decides, it executes in this transaction).
    pub async fn propose(
        &self,
        key: &SecretKey,
        title: &str,
        description: &str,
        actions: Vec<ProposalAction>,
    ) -> Result<Executed<ProposeResponse>, SdkError> {
        let msg = CallMsg::Propose {
            title: title.to_string(),
            description: description.to_string(),
            actions,
        };
        self.handle.execute(key, &msg).await
    }

    /// Member of the proposal's electorate: votes once.
    pub async fn vote(
        &self,
        key: &SecretKey,
        id: u64,
        vote: VoteOption,
    ) -> Result<Executed<VoteResponse>, SdkError> {
        self.handle.execute(key, &CallMsg::Vote { id, vote }).await
    }

    /// Anyone: executes a passed (or retries a failed) proposal within its period.
    pub async fn execute(
        &self,
        key: &SecretKey,
        id: u64,
    ) -> Result<Executed<ExecuteResponse>, SdkError> {
        self.handle.execute(key, &CallMsg::Execute { id }).await
    }

    /// Proposes with `members[0]`, then votes yes with the other members in order until the
    /// proposal is executed; returns it as it stands then.
    pub async fn pass(
        &self,
        members: &[SecretKey],
        title: &str,
        actions: Vec<ProposalAction>,
    ) -> Result<Proposal, GovernanceError> {
        let (first, others) = members.split_first().ok_or(GovernanceError::NoMembers)?;
        let mut status = self.propose(first, title, "", actions).await?.value;
        let id = status.id;
        for key in others {
            if status.status != Status::Open {
                break;
            }
            let voted = self.vote(key, id, VoteOption::Yes).await?.value;
            status = ProposeResponse { id, status: voted.status };
        }
        let proposal = self.proposal(id).await?;
        if proposal.status != Status::Executed {
            return Err(GovernanceError::NotExecuted {
                id,
                status: proposal.status,
                error: proposal.error,
            });
        }
        Ok(proposal)
    }

    /// The committee and its rules.
    pub async fn config(&self) -> Result<Config, SdkError> {
        self.query(&QueryMsg::Config {}).await
    }

    /// One proposal with its tally and status.
    pub async fn proposal(&self, id: u64) -> Result<Proposal, SdkError> {
        self.query(&QueryMsg::Proposal { id }).await
    }

    /// A page of proposals in id order, optionally only those with `status`.
    pub async fn proposals(
        &self,
        status: Option<Status>,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Result<Vec<Proposal>, SdkError> {
        let r: ProposalsResponse =
            self.query(&QueryMsg::Proposals { status, start_after, limit }).await?;
        Ok(r.proposals)
    }

    /// A page of a proposal's votes in voter order.
    pub async fn votes(
        &self,
        id: u64,
        start_after: Option<String>,
        limit: Option<u32>,
    ) -> Result<Vec<VoteRecord>, SdkError> {
        let r: VotesResponse = self.query(&QueryMsg::Votes { id, start_after, limit }).await?;
        Ok(r.votes)
    }

    /// A page of the decisions log, oldest first.
    pub async fn history(
        &self,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Result<Vec<HistoryEntry>, SdkError> {
        let r: HistoryResponse = self.query(&QueryMsg::History { start_after, limit }).await?;
        Ok(r.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: serde::Serialize>(msg: &T) -> serde_json::Value {
        serde_json::to_value(msg).expect("messages serialise")
    }

    #[test]
    fn messages_have_the_contract_s_wire_form() {
        let msg = CallMsg::Propose {
            title: "Admit GD".into(),
            description: String::new(),
            actions: vec![
                ProposalAction::AddIssuer {
                    credential_type: "health-certificate".into(),
                    issuer: "did:bayledger:t:gd".into(),
                },
                ProposalAction::System(SystemAction::Freeze { address: "0x01".into() }),
            ],
        };
        assert_eq!(
            json(&msg),
            serde_json::json!({"propose": {"title": "Admit GD", "description": "", "actions": [
                {"add_issuer": {"credential_type": "health-certificate", "issuer": "did:bayledger:t:gd"}},
                {"system": {"freeze": {"address": "0x01"}}},
            ]}})
        );
        assert_eq!(
            json(&CallMsg::Vote { id: 3, vote: VoteOption::Abstain }),
            serde_json::json!({"vote": {"id": 3, "vote": "abstain"}})
        );
        assert_eq!(
            json(&QueryMsg::Proposals {
                status: Some(Status::Open),
                start_after: None,
                limit: None
            }),
            serde_json::json!({"proposals": {"status": "open"}})
        );
    }

    #[test]
    fn not_executed_names_the_status_and_the_error() {
        let e = GovernanceError::NotExecuted {
            id: 2,
            status: Status::Failed,
            error: Some("action 0 (system): refused".into()),
        };
        assert_eq!(e.to_string(), "proposal 2 is Failed, not executed: action 0 (system): refused");
    }
}
