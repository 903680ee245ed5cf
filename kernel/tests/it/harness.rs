//! A spawned kernel and a client connected to it.

use jupyter_protocol::{
    ConnectionInfo, ExecuteRequest, JupyterMessage, JupyterMessageContent, KernelInfoRequest,
    Transport,
};
use jupyter_zmq_client::{
    create_client_control_connection, create_client_iopub_connection,
    create_client_shell_connection_with_identity, peek_ports, peer_identity_for_session,
    wait_for_iopub_welcome, ClientControlConnection, ClientIoPubConnection, ClientShellConnection,
};
use std::error::Error;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

pub type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// Generous bound for anything the kernel should answer at once.
pub const ANSWER: Duration = Duration::from_secs(10);

pub struct Kernel {
    pub child: Child,
    pub info: ConnectionInfo,
    pub dir: PathBuf,
}

impl Kernel {
    /// Spawns the binary on free loopback ports with its own history file. Ports are peeked
    /// free and then released, so a test running alongside may take one first: a kernel that
    /// exits instead of listening is started again on fresh ports.
    pub async fn start(name: &str) -> TestResult<Self> {
        let dir = std::env::temp_dir().join(format!("nereus-it-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (mut child, info) = Self::spawn(name, &dir).await?;
            if Self::listening(&mut child, &info).await? || attempts == 3 {
                return Ok(Self { child, info, dir });
            }
            let _ = child.wait();
        }
    }

    /// One kernel process on peeked ports.
    async fn spawn(name: &str, dir: &std::path::Path) -> TestResult<(Child, ConnectionInfo)> {
        let ports = peek_ports(IpAddr::V4(Ipv4Addr::LOCALHOST), 5).await?;
        let info = ConnectionInfo {
            ip: "127.0.0.1".into(),
            transport: Transport::TCP,
            shell_port: ports[0],
            iopub_port: ports[1],
            stdin_port: ports[2],
            control_port: ports[3],
            hb_port: ports[4],
            key: format!("key-{name}"),
            signature_scheme: "hmac-sha256".into(),
            kernel_name: Some("nereus".into()),
        };
        let file = dir.join("connection.json");
        std::fs::write(&file, serde_json::to_string(&info)?)?;
        let child = Command::new(env!("CARGO_BIN_EXE_nereus"))
            .args(["kernel", "-f"])
            .arg(&file)
            .env("NEREUS_HISTORY", dir.join("history.jsonl"))
            .spawn()?;
        Ok((child, info))
    }

    /// Waits until the kernel accepts connections on its control port (true) or has exited
    /// (false, a port was taken); a kernel still starting after `ANSWER` counts as listening.
    async fn listening(child: &mut Child, info: &ConnectionInfo) -> TestResult<bool> {
        let control = (Ipv4Addr::LOCALHOST, info.control_port);
        let started = std::time::Instant::now();
        while started.elapsed() < ANSWER {
            if child.try_wait()?.is_some() {
                return Ok(false);
            }
            if tokio::net::TcpStream::connect(control).await.is_ok() {
                return Ok(true);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(true)
    }

    /// A connected client: shell, control, and an iopub subscription already welcomed.
    pub async fn client(&self) -> TestResult<Client> {
        let session = format!("client-{}", self.info.shell_port);
        let iopub = loop {
            let mut iopub = create_client_iopub_connection(&self.info, "", &session).await?;
            if wait_for_iopub_welcome(&mut iopub, Duration::from_secs(1))
                .await?
                .is_some()
            {
                break iopub;
            }
        };
        let shell = create_client_shell_connection_with_identity(
            &self.info,
            &session,
            peer_identity_for_session(&session)?,
        )
        .await?;
        let control = create_client_control_connection(&self.info, &session).await?;
        Ok(Client {
            shell,
            control,
            iopub,
        })
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub struct Client {
    pub shell: ClientShellConnection,
    pub control: ClientControlConnection,
    pub iopub: ClientIoPubConnection,
}

impl Client {
    /// Sends a request on shell and returns its reply.
    pub async fn shell_request(
        &mut self,
        content: impl Into<JupyterMessageContent>,
    ) -> TestResult<(JupyterMessage, JupyterMessage)> {
        let request = JupyterMessage::new(content, None);
        self.shell.send(request.clone()).await?;
        let reply = tokio::time::timeout(ANSWER, self.shell.read()).await??;
        Ok((request, reply))
    }

    pub async fn kernel_info(&mut self) -> TestResult<JupyterMessage> {
        Ok(self.shell_request(KernelInfoRequest {}).await?.1)
    }

    /// Runs code; returns the reply and the iopub messages of that request up to idle.
    pub async fn execute(
        &mut self,
        code: &str,
    ) -> TestResult<(JupyterMessage, Vec<JupyterMessage>)> {
        let (request, reply) = self.shell_request(ExecuteRequest::new(code.into())).await?;
        let outputs = self.outputs_until_idle(&request.header.msg_id).await?;
        Ok((reply, outputs))
    }

    /// The iopub messages answering `msg_id`, up to and including its idle status.
    pub async fn outputs_until_idle(&mut self, msg_id: &str) -> TestResult<Vec<JupyterMessage>> {
        let mut seen = Vec::new();
        loop {
            let msg = tokio::time::timeout(ANSWER, self.iopub.read()).await??;
            if msg.parent_header.as_ref().map(|h| h.msg_id.as_str()) != Some(msg_id) {
                continue;
            }
            let idle = matches!(&msg.content, JupyterMessageContent::Status(s)
                if s.execution_state == jupyter_protocol::ExecutionState::Idle);
            seen.push(msg);
            if idle {
                return Ok(seen);
            }
        }
    }
}

/// The message types of a list, for compact assertions.
pub fn types(msgs: &[JupyterMessage]) -> Vec<&str> {
    msgs.iter().map(JupyterMessage::message_type).collect()
}
